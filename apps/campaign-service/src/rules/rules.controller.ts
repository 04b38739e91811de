import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PageQuery, PutRuleBody, RPC, RpcReply, RuleView } from '@funnel/contracts';
import { ifMatchOf } from '../event-store/versioned-write';
import { handleRpc } from '../rpc/handle-rpc';
import { validateBody } from '../rpc/rpc-request';
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
    return handleRpc(this.logger, RPC.rulePut, raw, async (req) => {
      const body = validateBody(PutRuleBody, req.body);
      if (!body.ok) return body.reply;
      return this.putRule.execute({ handle: req.handle, requestId: req.requestId, ruleId: req.params.ruleId ?? '', ifMatch: ifMatchOf(req.params), body: body.value });
    });
  }

  @MessagePattern(RPC.ruleGet)
  get(@Payload() raw: unknown): Promise<RpcReply<RuleView>> {
    return handleRpc(this.logger, RPC.ruleGet, raw, (req) => this.getRule.execute({ handle: req.handle, ruleId: req.params.ruleId ?? '' }));
  }

  @MessagePattern(RPC.ruleDelete)
  remove(@Payload() raw: unknown): Promise<RpcReply<{ deleted: true; ruleId: string; version: number }>> {
    return handleRpc(this.logger, RPC.ruleDelete, raw, (req) =>
      this.deleteRule.execute({ handle: req.handle, requestId: req.requestId, ruleId: req.params.ruleId ?? '', ifMatch: ifMatchOf(req.params) }),
    );
  }

  @MessagePattern(RPC.ruleList)
  list(@Payload() raw: unknown): Promise<RpcReply<{ rules: RuleView[]; nextCursor: string | null }>> {
    return handleRpc(this.logger, RPC.ruleList, raw, async (req) => {
      const query = validateBody(PageQuery, req.body);
      if (!query.ok) return query.reply;
      return this.listRules.execute({ handle: req.handle, cursor: query.value.cursor, limit: query.value.limit });
    });
  }
}
