import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AnalyticsQuery,
  AnalyticsView,
  BotReasonResult,
  resolveAnalyticsQuery,
  RPC,
  RPCS,
  RpcError,
  RpcReply,
  rpcFail,
  rpcOk,
  SegmentResult,
  SeriesResult,
  validationError,
} from '@funnel/contracts';
import { serveRpc } from '@funnel/kafka';
import { GetBotReasons } from './use-cases/get-bot-reasons';
import { GetSegments } from './use-cases/get-segments';
import { GetSeries } from './use-cases/get-series';

export const ANALYTICS_UNAVAILABLE: RpcError = { status: 503, error: 'analytics_unavailable', message: 'Analytics are temporarily unavailable; try again shortly.' };

type Resolved<V extends AnalyticsView['view']> = { ok: true; view: Extract<AnalyticsView, { view: V }> } | { ok: false; reply: RpcReply<never> };

/**
 * The view a validated query asks for, resolved with the same `resolveAnalyticsQuery` as the
 * gateway, and checked to be the one this RPC answers.
 */
export function resolveView<V extends AnalyticsView['view']>(query: AnalyticsQuery, expected: V, now: Date = new Date()): Resolved<V> {
  const resolved = resolveAnalyticsQuery(query, now);
  if (!resolved.ok) return { ok: false, reply: { ok: false, error: validationError(resolved.fields) } };
  if (resolved.value.view !== expected) return { ok: false, reply: rpcFail(400, 'validation_failed', `This RPC answers the ${expected} view only.`) };
  return { ok: true, view: resolved.value as Extract<AnalyticsView, { view: V }> };
}

/** RPC.analyticsGroupBy and RPC.analyticsSeries from the gateway. Never throws across the transport. */
@Controller()
export class AnalyticsController {
  private readonly logger = new Logger(AnalyticsController.name);

  constructor(
    private readonly getSegments: GetSegments,
    private readonly getBotReasons: GetBotReasons,
    private readonly getSeries: GetSeries,
  ) {}

  @MessagePattern(RPC.analyticsGroupBy)
  groupBy(@Payload() raw: unknown): Promise<RpcReply<SegmentResult | BotReasonResult>> {
    return serveRpc(
      RPCS.analyticsGroupBy,
      raw,
      async ({ handle, body }) => {
        const resolved = resolveView(body, 'groupBy');
        if (!resolved.ok) return resolved.reply;
        const { view } = resolved;
        return rpcOk(view.groupBy === 'segment' ? await this.getSegments.execute(handle, view.campaignId) : await this.getBotReasons.execute(handle, view.campaignId));
      },
      { logger: this.logger, onFailure: ANALYTICS_UNAVAILABLE },
    );
  }

  @MessagePattern(RPC.analyticsSeries)
  series(@Payload() raw: unknown): Promise<RpcReply<SeriesResult>> {
    return serveRpc(
      RPCS.analyticsSeries,
      raw,
      async ({ handle, body }) => {
        const resolved = resolveView(body, 'series');
        if (!resolved.ok) return resolved.reply;
        const { view } = resolved;
        return rpcOk(
          await this.getSeries.execute({
            handle,
            granularity: view.granularity,
            timeZone: view.timeZone,
            from: view.from,
            to: view.to,
            ...(view.campaignId !== undefined ? { campaignId: view.campaignId } : {}),
          }),
        );
      },
      { logger: this.logger, onFailure: ANALYTICS_UNAVAILABLE },
    );
  }
}
