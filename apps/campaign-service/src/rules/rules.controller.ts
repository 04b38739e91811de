import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC, RPCS, RpcReply, RuleView } from '@funnel/contracts';
import { ifMatchOf } from '../platform/event-store/versioned-write';
import { serve } from '../platform/rpc/serve';
import { DeleteRule, GetRule, ListRules, PutRule } from './use-cases/rule-commands';

/** Personalization rule RPCs (seed 000 "Personalization rules"). */
@Controller()
export class RulesController {
  private readonly logger = new Logger(RulesController.name);

  constructor(
    private readonly putRule: PutRule,
    private readonly getRule: GetRule,
    private readonly deleteRule: DeleteRule,
    private readonly listRules: ListRules,
  ) {}

  @MessagePattern(RPC.rulePut)
  put(@Payload() raw: unknown): Promise<RpcReply<RuleView>> {
    return serve(this.logger, RPCS.rulePut, raw, async (req) => {
      return this.putRule.execute({ handle: req.handle, requestId: req.requestId, ruleId: req.params.ruleId ?? '', ifMatch: ifMatchOf(req.params), body: req.body });
    });
  }

  @MessagePattern(RPC.ruleGet)
  get(@Payload() raw: unknown): Promise<RpcReply<RuleView>> {
    return serve(this.logger, RPCS.ruleGet, raw, (req) => this.getRule.execute({ handle: req.handle, ruleId: req.params.ruleId ?? '' }));
  }

  @MessagePattern(RPC.ruleDelete)
  remove(@Payload() raw: unknown): Promise<RpcReply<{ deleted: true; ruleId: string; version: number }>> {
    return serve(this.logger, RPCS.ruleDelete, raw, (req) =>
      this.deleteRule.execute({ handle: req.handle, requestId: req.requestId, ruleId: req.params.ruleId ?? '', ifMatch: ifMatchOf(req.params) }),
    );
  }

  @MessagePattern(RPC.ruleList)
  list(@Payload() raw: unknown): Promise<RpcReply<{ rules: RuleView[]; nextCursor: string | null }>> {
    return serve(this.logger, RPCS.ruleList, raw, async (req) => {
      return this.listRules.execute({ handle: req.handle, cursor: req.body.cursor, limit: req.body.limit });
    });
  }
}
