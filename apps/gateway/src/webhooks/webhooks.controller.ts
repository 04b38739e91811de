import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import type { GatewayEnv } from '@funnel/config';
import { newWebhookSecret, parseSecretKeyring, sealSecret, SecretKeyring, WEBHOOK_SECRET_PURPOSE } from '@funnel/auth';
import {
  CreateWebhookBody,
  ListDeliveriesQuery,
  RPCS,
  UpdateWebhookBody,
  WebhookDeliveryListView,
  WebhookDeliveryView,
  WebhookDetailView,
  WebhookView,
} from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { GATEWAY_ENV } from '../platform/gateway.options';
import { WEBHOOK_READ_ROLE } from '../auth/webhook-access';
import { HandleParams } from '../platform/http/route-params';
import { RpcClient } from '../platform/rpc/rpc.client';
import { DeliveryParams, WebhookParams } from './webhook-params';

/**
 * Webhook subscriptions of a handle, owned by the conversion-service. JWT only (no PAT scope
 * covers them): a subscription holds a signing secret and decides where tenant data is sent.
 */
@Controller('v2/handles/:handle/webhooks')
@UseGuards(JwtAuthGuard)
@MinRole(WEBHOOK_READ_ROLE)
export class WebhooksController {
  private readonly keyring: SecretKeyring;

  constructor(
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_ENV) env: Pick<GatewayEnv, 'WEBHOOK_SECRET_KEYS'>,
  ) {
    this.keyring = parseSecretKeyring(env.WEBHOOK_SECRET_KEYS);
  }

  /**
   * The gateway mints the signing secret and sends it to the conversion-service sealed under
   * WEBHOOK_SECRET_KEYS (never in clear on the bus); the HTTP reply carries it, the only time it is shown.
   */
  @Post()
  @HttpCode(201)
  async create(@Param() _params: HandleParams, @Body() body: CreateWebhookBody, @CurrentCaller() caller: Caller): Promise<WebhookView> {
    const secret = newWebhookSecret();
    const sealedSecret = sealSecret(this.keyring, secret, WEBHOOK_SECRET_PURPOSE);
    const created = await this.rpc.call(RPCS.webhookCreate, caller, {}, { ...body, sealedSecret });
    return { ...created, secret };
  }

  @Get()
  list(@Param() _params: HandleParams, @CurrentCaller() caller: Caller): Promise<{ webhooks: WebhookDetailView[] }> {
    return this.rpc.call(RPCS.webhookList, caller, {}, {});
  }

  @Get(':webhookId')
  get(@Param() params: WebhookParams, @CurrentCaller() caller: Caller): Promise<WebhookDetailView> {
    return this.rpc.call(RPCS.webhookGet, caller, { webhookId: params.webhookId }, {});
  }

  /** url, events and/or enabled; `enabled: true` also clears the failure count and reason of an automatic disable. */
  @Patch(':webhookId')
  update(@Param() params: WebhookParams, @Body() body: UpdateWebhookBody, @CurrentCaller() caller: Caller): Promise<WebhookDetailView> {
    return this.rpc.call(RPCS.webhookUpdate, caller, { webhookId: params.webhookId }, body);
  }

  /** Deletes the subscription and its delivery log; queued deliveries are dropped. */
  @Delete(':webhookId')
  remove(@Param() params: WebhookParams, @CurrentCaller() caller: Caller): Promise<{ webhookId: string; deleted: true }> {
    return this.rpc.call(RPCS.webhookDelete, caller, { webhookId: params.webhookId }, {});
  }

  /** Queues a signed `webhook.test` event to this subscription; 202 with the delivery to follow in the log. */
  @Post(':webhookId/test')
  @HttpCode(202)
  test(@Param() params: WebhookParams, @CurrentCaller() caller: Caller): Promise<WebhookDeliveryView> {
    return this.rpc.call(RPCS.webhookTest, caller, { webhookId: params.webhookId }, {});
  }

  /** The delivery log, newest first: status, attempts (status code, latency, error, truncated answer), next try. */
  @Get(':webhookId/deliveries')
  deliveries(@Param() params: WebhookParams, @Query() query: ListDeliveriesQuery, @CurrentCaller() caller: Caller): Promise<WebhookDeliveryListView> {
    return this.rpc.call(RPCS.webhookDeliveries, caller, { webhookId: params.webhookId }, query);
  }

  /** Sends a past event again (same webhook-id), with a fresh retry budget. */
  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  redeliver(@Param() params: DeliveryParams, @CurrentCaller() caller: Caller): Promise<WebhookDeliveryView> {
    return this.rpc.call(RPCS.webhookRedeliver, caller, { webhookId: params.webhookId, deliveryId: params.deliveryId }, {});
  }
}
