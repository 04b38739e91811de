import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CAMPAIGN_ID_PATTERN,
  ConversionView,
  RecordConversionBody,
  RPC,
  RpcReply,
  rpcFail,
  rpcOk,
  TestConversionBody,
} from '@funnel/contracts';
import { parseRpcRequest } from '../infra/rpc-request';
import { toConversionView } from './conversion-events';
import { RecordConversion } from './use-cases/record-conversion';
import { TestConversion } from './use-cases/test-conversion';

/** Gateway → conversion-service request-reply. Never throws: every failure is an RpcReply. */
@Controller()
export class ConversionsController {
  private readonly logger = new Logger(ConversionsController.name);

  constructor(
    private readonly recordConversion: RecordConversion,
    private readonly testConversion: TestConversion,
  ) {}

  /** Always ok for valid input: status tells counted / unattributed / duplicate (a duplicate is not an error). */
  @MessagePattern(RPC.conversionRecord)
  async record(@Payload() raw: unknown): Promise<RpcReply<ConversionView>> {
    const parsed = await parseRpcRequest(raw, RecordConversionBody);
    if (!parsed.ok) return parsed.reply;
    const { handle, requestId, body } = parsed.request;
    try {
      const record = await this.recordConversion.execute({
        handle,
        requestId,
        eventType: body.eventType,
        value: body.value,
        currency: body.currency,
        clickId: body.clickId ?? null,
        orderId: body.orderId ?? null,
        metadata: body.metadata ?? {},
      });
      return rpcOk(toConversionView(record));
    } catch (e) {
      return this.unavailable('record conversion', e);
    }
  }

  @MessagePattern(RPC.conversionTest)
  async test(@Payload() raw: unknown): Promise<RpcReply<ConversionView>> {
    const parsed = await parseRpcRequest(raw, TestConversionBody);
    if (!parsed.ok) return parsed.reply;
    const { handle, requestId, params, body } = parsed.request;
    const campaignId = params.campaignId ?? '';
    if (!CAMPAIGN_ID_PATTERN.test(campaignId)) {
      return rpcFail(400, 'invalid_campaign_id', 'campaignId must match ^[a-z0-9][a-z0-9_-]{2,63}$');
    }
    try {
      const result = await this.testConversion.execute({
        handle,
        requestId,
        campaignId,
        eventType: body.eventType ?? null,
        value: body.value,
        currency: body.currency,
        metadata: body.metadata ?? {},
      });
      if (!result.ok) return rpcFail(404, 'campaign_not_found', `campaign ${campaignId} does not exist`);
      return rpcOk(toConversionView(result.record));
    } catch (e) {
      return this.unavailable('test conversion', e);
    }
  }

  private unavailable(what: string, e: unknown): RpcReply<never> {
    this.logger.error(`${what} failed: ${(e as Error).message}`);
    return rpcFail(503, 'service_unavailable', 'the conversion could not be stored, retry later; nothing was recorded');
  }
}
