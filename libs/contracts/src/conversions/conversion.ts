import { ValidationOptions, registerDecorator } from 'class-validator';

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
