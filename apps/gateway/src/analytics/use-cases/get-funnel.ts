import { Injectable } from '@nestjs/common';
import { FunnelResult, HealthView, RPC } from '@funnel/contracts';
import type { Caller } from '../../auth/caller.decorator';
import { RpcClient } from '../../rpc/rpc.client';

export interface GetFunnelQuery {
  campaignId?: string;
}

/**
 * Funnel metrics from the analytics projector. The projector only knows campaigns that have
 * events, so a named campaign is first checked with its owner: an unknown (or another
 * tenant's) campaign is `campaign_not_found`, not an empty funnel.
 */
@Injectable()
export class GetFunnel {
  constructor(private readonly rpc: Pick<RpcClient, 'call'>) {}

  async execute(caller: Caller, query: GetFunnelQuery): Promise<FunnelResult> {
    if (query.campaignId !== undefined) {
      // The campaign-service answers 404 campaign_not_found itself; that error propagates as is.
      await this.rpc.call<HealthView>(RPC.campaignHealth, caller, { campaignId: query.campaignId }, {});
    }
    const body = query.campaignId !== undefined ? { campaignId: query.campaignId } : {};
    return this.rpc.call<FunnelResult>(RPC.analyticsFunnel, caller, {}, body);
  }
}
