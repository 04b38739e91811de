import { Injectable } from '@nestjs/common';
import { AnalyticsQuery, AnalyticsView, BotReasonResult, FunnelResult, HealthView, resolveAnalyticsQuery, RPC, SegmentResult, SeriesResult } from '@funnel/contracts';
import type { Caller } from '../../auth/caller.decorator';
import { ApiException } from '../../http/api.exception';
import { RpcClient } from '../../rpc/rpc.client';
import { GetFunnel } from './get-funnel';

export type AnalyticsAnswer = FunnelResult | SegmentResult | BotReasonResult | SeriesResult;

/**
 * GET /v2/handles/{handle}/analytics: picks the view (funnel, groupBy, series) with the same
 * `resolveAnalyticsQuery` the projector runs, answers 400 naming the field for a bad view, zone,
 * date or range, checks a named campaign with its owner (404 campaign_not_found, as for the
 * funnel), then asks the projector. Series requests carry explicit from/to, so the default range
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
    if (!resolved.ok) {
      const count = new Set(resolved.fields.map((f) => f.field)).size;
      throw new ApiException(400, 'validation_failed', `Validation failed for ${count} field${count === 1 ? '' : 's'}`, resolved.fields);
    }
    const view: AnalyticsView = resolved.value;
    if (view.view === 'funnel') return this.getFunnel.execute(caller, { campaignId: view.campaignId });
    if (view.campaignId !== undefined) {
      await this.rpc.call<HealthView>(RPC.campaignHealth, caller, { campaignId: view.campaignId }, {});
    }
    if (view.view === 'groupBy') {
      return this.rpc.call<SegmentResult | BotReasonResult>(RPC.analyticsGroupBy, caller, {}, { groupBy: view.groupBy, campaignId: view.campaignId });
    }
    const body: AnalyticsQuery = {
      granularity: view.granularity,
      timeZone: view.timeZone,
      from: view.from.toISOString(),
      to: view.to.toISOString(),
      ...(view.campaignId !== undefined ? { campaignId: view.campaignId } : {}),
    };
    return this.rpc.call<SeriesResult>(RPC.analyticsSeries, caller, {}, body);
  }
}
