import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { BotReasonResult, RPC, RpcReply, rpcFail, rpcOk, SegmentResult, SeriesResult } from '@funnel/contracts';
import { parseAnalyticsRequest } from './analytics-request';
import { GetBotReasons } from './use-cases/get-bot-reasons';
import { GetSegments } from './use-cases/get-segments';
import { GetSeries } from './use-cases/get-series';

const unavailable = () => rpcFail(503, 'analytics_unavailable', 'Analytics are temporarily unavailable; try again shortly.');

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
  async groupBy(@Payload() raw: unknown): Promise<RpcReply<SegmentResult | BotReasonResult>> {
    const request = parseAnalyticsRequest(raw, 'groupBy');
    if (!request.ok) return request.reply;
    const { handle, requestId, view } = request.value;
    try {
      return rpcOk(view.groupBy === 'segment' ? await this.getSegments.execute(handle, view.campaignId) : await this.getBotReasons.execute(handle, view.campaignId));
    } catch (e) {
      this.logger.error(`groupBy query failed for handle ${handle} (request ${requestId}): ${(e as Error).message}`);
      return unavailable();
    }
  }

  @MessagePattern(RPC.analyticsSeries)
  async series(@Payload() raw: unknown): Promise<RpcReply<SeriesResult>> {
    const request = parseAnalyticsRequest(raw, 'series');
    if (!request.ok) return request.reply;
    const { handle, requestId, view } = request.value;
    try {
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
    } catch (e) {
      this.logger.error(`series query failed for handle ${handle} (request ${requestId}): ${(e as Error).message}`);
      return unavailable();
    }
  }
}
