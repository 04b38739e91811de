import { Injectable } from '@nestjs/common';
import {
  AnalyticsQuery,
  AnalyticsView,
  BotReasonResult,
  FunnelResult,
  resolveAnalyticsQuery,
  RPCS,
  SegmentResult,
  SeriesResult,
  validationError,
} from '@funnel/contracts';
import type { Caller } from '../../auth/caller.decorator';
import { ApiException } from '../../platform/http/api.exception';
import { RpcClient } from '../../platform/rpc/rpc.client';
import { GetFunnel } from './get-funnel';

export type AnalyticsAnswer = FunnelResult | SegmentResult | BotReasonResult | SeriesResult;

/**
 * GET /v2/handles/{handle}/analytics: picks the view (funnel, groupBy, series) with the same
 * `resolveAnalyticsQuery` the projector runs, answers 400 naming the field for a bad view, zone,
 * date or range, looks a named campaign up with its owner (one read; 404 campaign_not_found, as
 * for the funnel), then asks the projector. Series requests carry explicit from/to, so the default range
 * is fixed here, once.
 */
@Injectable()
export class QueryAnalytics {
  constructor(
    private readonly rpc: Pick<RpcClient, 'call'>,
    private readonly getFunnel: GetFunnel,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(caller: Caller, query: AnalyticsQuery): Promise<AnalyticsAnswer> {
    const resolved = resolveAnalyticsQuery(query, this.now());
    if (!resolved.ok) throw ApiException.fromRpcError(validationError(resolved.fields));
    const view: AnalyticsView = resolved.value;
    if (view.view === 'funnel') return this.getFunnel.execute(caller, { campaignId: view.campaignId, breakdownLimit: view.breakdownLimit });
    if (view.campaignId !== undefined) {
      await this.rpc.call(RPCS.campaignGet, caller, { campaignId: view.campaignId }, {});
    }
    if (view.view === 'groupBy') {
      return this.rpc.call(RPCS.analyticsGroupBy, caller, {}, { groupBy: view.groupBy, campaignId: view.campaignId });
    }
    const body: AnalyticsQuery = {
      granularity: view.granularity,
      timeZone: view.timeZone,
      from: view.from.toISOString(),
      to: view.to.toISOString(),
      ...(view.campaignId !== undefined ? { campaignId: view.campaignId } : {}),
    };
    return this.rpc.call(RPCS.analyticsSeries, caller, {}, body);
  }
}
