import { Body, Controller, Delete, Get, Param, Put, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { PageQuery, PutRuleBody, RPCS, RuleView } from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { AuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { Scopes } from '../auth/scopes.decorator';
import { EtagInterceptor, IfMatch } from '../platform/http/etag';
import { HandleParams, RuleParams } from '../platform/http/route-params';
import { RpcClient } from '../platform/rpc/rpc.client';

/** Personalization rules (seed 000), owned by the campaign-service and published to the redirect edge. */
@Controller(['v2/handles/:handle/personalization-rules', 'v2/public/handles/:handle/personalization-rules'])
@UseGuards(AuthGuard)
@UseInterceptors(EtagInterceptor)
export class RulesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @MinRole('VIEWER')
  @Scopes('campaigns.read')
  list(@Param() _params: HandleParams, @Query() query: PageQuery, @CurrentCaller() caller: Caller): Promise<{ rules: RuleView[]; nextCursor: string | null }> {
    return this.rpc.call(RPCS.ruleList, caller, {}, query);
  }

  @Get(':ruleId')
  @MinRole('VIEWER')
  @Scopes('campaigns.read')
  get(@Param() params: RuleParams, @CurrentCaller() caller: Caller): Promise<RuleView> {
    return this.rpc.call(RPCS.ruleGet, caller, { ruleId: params.ruleId }, {});
  }

  @Put(':ruleId')
  @MinRole('CREATOR')
  @Scopes('campaigns.write')
  put(@Param() params: RuleParams, @Body() body: PutRuleBody, @IfMatch() ifMatch: Record<string, string>, @CurrentCaller() caller: Caller): Promise<RuleView> {
    return this.rpc.call(RPCS.rulePut, caller, { ruleId: params.ruleId, ...ifMatch }, body);
  }

  @Delete(':ruleId')
  @MinRole('CREATOR')
  @Scopes('campaigns.write')
  remove(@Param() params: RuleParams, @IfMatch() ifMatch: Record<string, string>, @CurrentCaller() caller: Caller): Promise<{ deleted: true; ruleId: string; version: number }> {
    return this.rpc.call(RPCS.ruleDelete, caller, { ruleId: params.ruleId, ...ifMatch }, {});
  }
}
