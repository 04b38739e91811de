import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { WEBHOOK_EVENTS, WebhookEvent } from './domain';

// ---- shared validators for conversion bodies ----

/** Metadata is free-form but bounded, so one client cannot store (and fan out to webhooks) megabytes. */
export const METADATA_MAX_BYTES = 4096;
export const METADATA_MAX_DEPTH = 5;

/** Nesting depth of a JSON value: a scalar is 0, `{}` is 1, `{"a":{}}` is 2. */
export function jsonDepth(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return 1 + children.reduce<number>((max, child) => Math.max(max, jsonDepth(child)), 0);
}

/** A JSON object of at most METADATA_MAX_BYTES serialized (UTF-8) and METADATA_MAX_DEPTH levels. */
export function IsBoundedMetadata(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isBoundedMetadata',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must be a JSON object of at most ${METADATA_MAX_BYTES} bytes and ${METADATA_MAX_DEPTH} levels`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          let text: string;
          try {
            text = JSON.stringify(value);
          } catch {
            return false;
          }
          return Buffer.byteLength(text, 'utf8') <= METADATA_MAX_BYTES && jsonDepth(value) <= METADATA_MAX_DEPTH;
        },
      },
    });
}

const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** An active ISO 4217 code (upper case) as the runtime's ICU data knows them. */
export function isCurrencyCode(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && CURRENCIES.has(value);
}

export function IsCurrencyCode(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be an ISO 4217 code such as USD', ...options },
      validator: { validate: isCurrencyCode },
    });
}

// ---- conversions: Idempotency-Key ----

/** The Idempotency-Key header of POST conversions: printable ASCII without spaces (UUIDs, hashes, order-derived keys). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

// ---- conversions: listing (unattributed report) ----

export const CONVERSION_STATUSES = ['counted', 'duplicate', 'unattributed', 'not_counted', 'test'] as const;
export type ConversionStatusName = (typeof CONVERSION_STATUSES)[number];

/** Why a conversion is not counted (null when counted or a test). */
export const CONVERSION_STATUS_REASONS = [
  'no_click_id',
  'click_not_found',
  'outside_window',
  'no_click_for_visitor',
  'campaign_paused',
  'event_type_mismatch',
  'duplicate_order_id',
] as const;
export type ConversionStatusReason = (typeof CONVERSION_STATUS_REASONS)[number];

export class ListConversionsQuery {
  @IsOptional() @IsIn(CONVERSION_STATUSES) status?: ConversionStatusName;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

export interface ConversionListView<T> {
  items: T[];
  /** How many conversions of this handle have the requested status (all statuses when none given). */
  total: number;
  nextCursor: string | null;
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

/** Path ids of webhook routes: UUIDs. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class WebhookIdParam {
  @Matches(UUID_PATTERN, { message: 'webhookId must be a UUID' }) webhookId!: string;
}

export type WebhookDeliveryStatusName = 'pending' | 'delivered' | 'failed';

/** The type of the synthetic event sent by "send a test event". */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

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
