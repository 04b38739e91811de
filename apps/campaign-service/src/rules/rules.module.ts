import { Module } from '@nestjs/common';
import { PrismaRuleRepository, RuleRepository } from './rule.repository';
import { RulesController } from './rules.controller';
import { DeleteRule, GetRule, ListRules, PutRule } from './use-cases/rule-commands';

@Module({
  controllers: [RulesController],
  providers: [{ provide: RuleRepository, useClass: PrismaRuleRepository }, PutRule, GetRule, DeleteRule, ListRules],
  exports: [RuleRepository],
})
export class RulesModule {}
