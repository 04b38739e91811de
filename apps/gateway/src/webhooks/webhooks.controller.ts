import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
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
  constructor(private readonly rpc: RpcClient) {}

  /** The reply carries the signing secret: the only time it is ever shown. */
  @Post()
  @HttpCode(201)
  create(@Param() _params: HandleParams, @Body() body: CreateWebhookBody, @CurrentCaller() caller: Caller): Promise<WebhookView> {
    return this.rpc.call(RPCS.webhookCreate, caller, {}, body);
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
