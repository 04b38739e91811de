import { Injectable } from '@nestjs/common';
import { FunnelResult, RPCS } from '@funnel/contracts';
import type { Caller } from '../../auth/caller.decorator';
import { RpcClient } from '../../platform/rpc/rpc.client';

export interface GetFunnelQuery {
  campaignId?: string;
  /** Values per breakdown dimension before the `other` row (validated 1-100; the projector defaults it). */
  breakdownLimit?: number;
}

/**
 * Funnel metrics from the analytics projector. The projector only knows campaigns that have
 * events, so a named campaign is first looked up with its owner (one read, campaign get): an
 * unknown (or another tenant's) campaign is `campaign_not_found`, not an empty funnel.
 */
@Injectable()
export class GetFunnel {
  constructor(private readonly rpc: Pick<RpcClient, 'call'>) {}

  async execute(caller: Caller, query: GetFunnelQuery): Promise<FunnelResult> {
    if (query.campaignId !== undefined) {
      // The campaign-service answers 404 campaign_not_found itself; that error propagates as is.
      await this.rpc.call(RPCS.campaignGet, caller, { campaignId: query.campaignId }, {});
    }
    const body = {
      ...(query.campaignId !== undefined ? { campaignId: query.campaignId } : {}),
      ...(query.breakdownLimit !== undefined ? { breakdownLimit: query.breakdownLimit } : {}),
    };
    return this.rpc.call(RPCS.analyticsFunnel, caller, {}, body);
  }
}
