import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ParsedRpcRequest,
  parseRpcRequest,
  RPC,
  RpcDeclaration,
  RPCS,
  RpcReply,
  rpcFail,
  rpcOk,
  UUID_PATTERN,
  WebhookDeliveryListView,
  WebhookDeliveryView,
  WebhookDetailView,
  WebhookView,
} from '@funnel/contracts';
import { CreateWebhook } from './use-cases/create-webhook';
import { QueryWebhooks } from './use-cases/query-webhooks';
import { RedeliverWebhook } from './use-cases/redeliver-webhook';
import { SendWebhookTest } from './use-cases/send-webhook-test';
import { UpdateWebhook } from './use-cases/update-webhook';

const NOT_FOUND = rpcFail(404, 'webhook_not_found', 'webhook not found');
const ERRORS: Record<string, RpcReply<never>> = {
  webhook_not_found: NOT_FOUND,
  delivery_not_found: rpcFail(404, 'delivery_not_found', 'delivery not found'),
  webhook_disabled: rpcFail(409, 'webhook_disabled', 'the webhook is disabled; enable it (PATCH enabled: true) first'),
  delivery_pending: rpcFail(409, 'delivery_pending', 'the delivery is still pending; it will be attempted as scheduled'),
};

/** Gateway → conversion-service request-reply for webhook subscriptions. Never throws. */
@Controller()
export class WebhooksController {
  private readonly logger = new Logger(WebhooksController.name);

  constructor(
    private readonly createWebhook: CreateWebhook,
    private readonly updateWebhook: UpdateWebhook,
    private readonly query: QueryWebhooks,
    private readonly sendTest: SendWebhookTest,
    private readonly redeliverWebhook: RedeliverWebhook,
  ) {}

  @MessagePattern(RPC.webhookCreate)
  async create(@Payload() raw: unknown): Promise<RpcReply<WebhookView>> {
    return this.handle(raw, RPCS.webhookCreate, 'create webhook', async ({ handle, body }) => {
      const result = await this.createWebhook.execute({ handle, url: body.url, events: body.events, enabled: body.enabled ?? true, sealedSecret: body.sealedSecret });
      if (!result.ok && result.error === 'invalid_secret') {
        // The gateway sealed it under a key this service does not hold: a deployment mistake, not the caller's.
        this.logger.error('create webhook: the signing secret does not open under WEBHOOK_SECRET_KEYS (the gateway and this service must share the keys)');
        return rpcFail(503, 'service_unavailable', 'create webhook failed, retry later');
      }
      if (!result.ok) return result.error === 'limit_exceeded' ? limitExceeded(result.limit) : invalidUrl(result.reason);
      return rpcOk(result.webhook);
    }, 'handle');
  }

  /** `{ webhooks }`: also what campaign health reads (WebhookListResult). */
  @MessagePattern(RPC.webhookList)
  async list(@Payload() raw: unknown): Promise<RpcReply<{ webhooks: WebhookDetailView[] }>> {
    return this.handle(raw, RPCS.webhookList, 'list webhooks', async ({ handle }) => rpcOk(await this.query.list(handle)), 'handle');
  }

  @MessagePattern(RPC.webhookGet)
  async get(@Payload() raw: unknown): Promise<RpcReply<WebhookDetailView>> {
    return this.handle(raw, RPCS.webhookGet, 'get webhook', async ({ handle, params }) => {
      const webhook = await this.query.get(handle, params.webhookId);
      return webhook ? rpcOk(webhook) : NOT_FOUND;
    });
  }

  @MessagePattern(RPC.webhookUpdate)
  async update(@Payload() raw: unknown): Promise<RpcReply<WebhookDetailView>> {
    return this.handle(raw, RPCS.webhookUpdate, 'update webhook', async ({ handle, params, body }) => {
      const result = await this.updateWebhook.execute(handle, params.webhookId, { url: body.url, events: body.events, enabled: body.enabled });
      if (result.ok) return rpcOk(result.webhook);
      return result.error === 'invalid_webhook_url' ? invalidUrl(result.reason) : NOT_FOUND;
    });
  }

  @MessagePattern(RPC.webhookDelete)
  async delete(@Payload() raw: unknown): Promise<RpcReply<{ webhookId: string; deleted: true }>> {
    return this.handle(raw, RPCS.webhookDelete, 'delete webhook', async ({ handle, params }) =>
      (await this.query.delete(handle, params.webhookId)) ? rpcOk({ webhookId: params.webhookId, deleted: true as const }) : NOT_FOUND,
    );
  }

  @MessagePattern(RPC.webhookTest)
  async test(@Payload() raw: unknown): Promise<RpcReply<WebhookDeliveryView>> {
    return this.handle(raw, RPCS.webhookTest, 'send webhook test', async ({ handle, params }) => {
      const result = await this.sendTest.execute(handle, params.webhookId);
      return result.ok ? rpcOk(result.delivery) : ERRORS[result.error];
    });
  }

  @MessagePattern(RPC.webhookDeliveries)
  async deliveries(@Payload() raw: unknown): Promise<RpcReply<WebhookDeliveryListView>> {
    return this.handle(raw, RPCS.webhookDeliveries, 'list webhook deliveries', async ({ handle, params, body }) => {
      if (body.cursor !== undefined && !UUID_PATTERN.test(body.cursor)) return rpcFail(400, 'invalid_cursor', 'cursor is not one this API returned');
      const page = await this.query.deliveries(handle, params.webhookId, { status: body.status, limit: body.limit ?? 20, cursor: body.cursor });
      return page ? rpcOk(page) : NOT_FOUND;
    });
  }

  @MessagePattern(RPC.webhookRedeliver)
  async redeliver(@Payload() raw: unknown): Promise<RpcReply<WebhookDeliveryView>> {
    return this.handle(raw, RPCS.webhookRedeliver, 'redeliver webhook', async ({ handle, params }) => {
      if (!UUID_PATTERN.test(params.deliveryId ?? '')) return ERRORS.delivery_not_found;
      const result = await this.redeliverWebhook.execute(handle, params.webhookId, params.deliveryId);
      return result.ok ? rpcOk(result.delivery) : ERRORS[result.error];
    });
  }

  /**
   * Validates the request (on routes of one subscription, a webhookId that is not a UUID cannot
   * exist: 404) and maps any failure to a 503 reply.
   */
  private async handle<B extends object, T>(
    raw: unknown,
    declaration: RpcDeclaration<string, B, T>,
    what: string,
    work: (request: ParsedRpcRequest<B>) => Promise<RpcReply<T>>,
    scope: 'handle' | 'webhook' = 'webhook',
  ): Promise<RpcReply<T>> {
    const parsed = parseRpcRequest(declaration, raw);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    if (scope === 'webhook' && !UUID_PATTERN.test(parsed.request.params.webhookId ?? '')) return NOT_FOUND;
    try {
      return await work(parsed.request);
    } catch (e) {
      this.logger.error(`${what} failed: ${(e as Error).message}`);
      return rpcFail(503, 'service_unavailable', `${what} failed, retry later`);
    }
  }
}

/** 409 limit_exceeded: the handle holds MAX_WEBHOOKS_PER_HANDLE subscriptions already; nothing was created. */
function limitExceeded(limit: number): RpcReply<never> {
  return rpcFail(409, 'limit_exceeded', `This handle already has ${limit} webhook subscriptions, its limit; delete one before adding another.`, undefined, {
    resource: 'webhooks',
    limit,
  });
}

function invalidUrl(reason: string): RpcReply<never> {
  return rpcFail(400, 'invalid_webhook_url', `url refused: ${reason}`, [{ field: 'url', message: reason, code: 'invalid_webhook_url' }]);
}
