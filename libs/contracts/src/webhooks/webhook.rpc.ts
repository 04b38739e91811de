import { Type } from 'class-transformer';
import { defineRpc, EmptyBody } from '../rpc/define-rpc';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { UUID_PATTERN, WEBHOOK_EVENTS, WebhookDeliveryStatusName, WebhookEvent } from './webhook';

export class CreateWebhookBody {
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an absolute http(s) URL' })
  url!: string;
  @ArrayMinSize(1) @ArrayMaxSize(WEBHOOK_EVENTS.length) @ArrayUnique() @IsIn(WEBHOOK_EVENTS, { each: true }) events!: WebhookEvent[];
  @IsOptional() @IsBoolean() enabled?: boolean;
}

/**
 * What the gateway sends to create a subscription: it mints the signing secret and hands it over
 * sealed (AES-256-GCM under WEBHOOK_SECRET_KEYS, `sealSecret` in @funnel/auth), never in clear.
 */
export class CreateWebhookRpcBody extends CreateWebhookBody {
  @IsString() @MaxLength(512) @Matches(/^enc:v1:/, { message: 'sealedSecret must be a sealed secret' }) sealedSecret!: string;
}

// ---- webhooks ----
export class UpdateWebhookBody {
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an absolute http(s) URL' })
  url?: string;
  @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(WEBHOOK_EVENTS.length) @ArrayUnique() @IsIn(WEBHOOK_EVENTS, { each: true }) events?: WebhookEvent[];
  /** Re-enabling clears the failure count and the reason it was disabled. */
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ListDeliveriesQuery {
  @IsOptional() @IsIn(['pending', 'delivered', 'failed']) status?: WebhookDeliveryStatusName;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

export class WebhookIdParam {
  @Matches(UUID_PATTERN, { message: 'webhookId must be a UUID' }) webhookId!: string;
}

export interface WebhookView {
  webhookId: string;
  handle: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  createdAt: string;
  /** Shown once, in the gateway's HTTP reply on creation only (never on the bus). */
  secret?: string;
}

export interface WebhookAttemptView {
  attemptNo: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** At most 2 KB of the receiver's answer. */
  responseBody: string | null;
  attemptedAt: string;
}

export interface WebhookDeliveryView {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatusName;
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attemptLog: WebhookAttemptView[];
}

export interface WebhookDeliveryListView {
  items: WebhookDeliveryView[];
  nextCursor: string | null;
}

/** A subscription as read back (never with its secret). */
export interface WebhookDetailView {
  webhookId: string;
  handle: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  /** Failed attempts since the last success; the subscription is disabled at WEBHOOK_DISABLE_AFTER_FAILURES. */
  consecutiveFailures: number;
  /** Why it is disabled when the service disabled it (null when enabled or disabled by its owner). */
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

// ---- webhooks (owned by the conversion-service; used by campaign health) ----
export interface WebhookListResult {
  webhooks: Array<{ webhookId: string; url: string; events: string[]; enabled: boolean }>;
}

/** Webhook requests, answered by the conversion-service. Path ids travel in params (`webhookId`, `deliveryId`). */
export const WEBHOOK_RPC = {
  webhookCreate: defineRpc('funnel.rpc.webhook.create', CreateWebhookRpcBody)<WebhookView>(),
  webhookGet: defineRpc('funnel.rpc.webhook.get', EmptyBody)<WebhookDetailView>(),
  webhookUpdate: defineRpc('funnel.rpc.webhook.update', UpdateWebhookBody)<WebhookDetailView>(),
  webhookDelete: defineRpc('funnel.rpc.webhook.delete', EmptyBody)<{ webhookId: string; deleted: true }>(),
  webhookTest: defineRpc('funnel.rpc.webhook.test', EmptyBody)<WebhookDeliveryView>(),
  webhookDeliveries: defineRpc('funnel.rpc.webhook.deliveries', ListDeliveriesQuery)<WebhookDeliveryListView>(),
  webhookRedeliver: defineRpc('funnel.rpc.webhook.redeliver', EmptyBody)<WebhookDeliveryView>(),
  /** The handle's webhooks (also used by campaign health). */
  webhookList: defineRpc('funnel.rpc.webhook.list', EmptyBody)<{ webhooks: WebhookDetailView[] }>(),
} as const;
