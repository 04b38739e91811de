import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CAMPAIGN_ID_PATTERN,
  ConversionListView,
  ConversionView,
  IDEMPOTENCY_KEY_PATTERN,
  parseRpcRequest,
  RPC,
  RPCS,
  RpcReply,
  rpcFail,
  rpcOk,
  UUID_PATTERN,
} from '@funnel/contracts';
import { toConversionView } from './conversion-events';
import { ListConversions } from './use-cases/list-conversions';
import { RecordConversion } from './use-cases/record-conversion';
import { TestConversion } from './use-cases/test-conversion';

/** Gateway → conversion-service request-reply. Never throws: every failure is an RpcReply. */
@Controller()
export class ConversionsController {
  private readonly logger = new Logger(ConversionsController.name);

  constructor(
    private readonly recordConversion: RecordConversion,
    private readonly testConversion: TestConversion,
    private readonly listConversions: ListConversions,
  ) {}

  /**
   * Always ok for a valid body: status tells counted / unattributed / not_counted / duplicate (a
   * duplicate is not an error). `params.idempotencyKey` carries the Idempotency-Key header.
   */
  @MessagePattern(RPC.conversionRecord)
  async record(@Payload() raw: unknown): Promise<RpcReply<ConversionView>> {
    const parsed = parseRpcRequest(RPCS.conversionRecord, raw);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { handle, requestId, params, body } = parsed.request;
    const idempotencyKey = params.idempotencyKey ?? null;
    if (idempotencyKey !== null && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      return rpcFail(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1-255 printable ASCII characters without spaces');
    }
    try {
      const result = await this.recordConversion.execute({
        handle,
        requestId,
        eventType: body.eventType,
        value: body.value,
        currency: body.currency,
        clickId: body.clickId ?? null,
        visitorId: body.visitorId ?? null,
        orderId: body.orderId ?? null,
        metadata: body.metadata ?? {},
        idempotencyKey,
      });
      if (!result.ok && result.error === 'idempotency_key_reused') {
        return rpcFail(409, 'idempotency_key_reused', 'this Idempotency-Key was already used with a different request body');
      }
      if (!result.ok) {
        const message = `eventType ${body.eventType} is neither a standard event type nor the event type of a campaign of this handle`;
        return rpcFail(400, 'invalid_event_type', message, [{ field: 'eventType', message, code: 'invalid_event_type' }]);
      }
      return rpcOk(toConversionView(result.record));
    } catch (e) {
      return this.unavailable('record conversion', e);
    }
  }

  /** The handle's conversions, newest first, optionally by status (e.g. the unattributed report). */
  @MessagePattern(RPC.conversionList)
  async list(@Payload() raw: unknown): Promise<RpcReply<ConversionListView<ConversionView>>> {
    const parsed = parseRpcRequest(RPCS.conversionList, raw);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { handle, body } = parsed.request;
    if (body.cursor !== undefined && !UUID_PATTERN.test(body.cursor)) return rpcFail(400, 'invalid_cursor', 'cursor is not one this API returned');
    try {
      return rpcOk(await this.listConversions.execute({ handle, status: body.status, limit: body.limit ?? 50, cursor: body.cursor }));
    } catch (e) {
      return this.unavailable('list conversions', e, 'the conversions could not be read, retry later');
    }
  }

  @MessagePattern(RPC.conversionTest)
  async test(@Payload() raw: unknown): Promise<RpcReply<ConversionView>> {
    const parsed = parseRpcRequest(RPCS.conversionTest, raw);
    if (!parsed.ok) return { ok: false, error: parsed.error };
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

  private unavailable(what: string, e: unknown, message = 'the conversion could not be stored, retry later; nothing was recorded'): RpcReply<never> {
    this.logger.error(`${what} failed: ${(e as Error).message}`);
    return rpcFail(503, 'service_unavailable', message);
  }
}
