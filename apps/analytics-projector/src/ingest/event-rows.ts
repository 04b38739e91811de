import { ClickRecordedV1, ConversionRecordedV1, ConversionTestedV1, Envelope, peekEventType, readEnvelope, readEnvelopes } from '@funnel/contracts';

/** Where a row came from in Kafka; kept in the row so the projector can resume from ClickHouse. */
export interface KafkaPosition {
  topic: string;
  partition: number;
  offset: string;
}

interface RawRowBase {
  event_id: string;
  handle: string;
  campaign_id: string;
  /** Unix seconds (18.16 does not parse ISO strings in JSONEachRow). */
  occurred_at: number;
  kafka_topic: string;
  kafka_partition: number;
  /** A decimal string: exact for any UInt64, which 18.16 accepts quoted. */
  kafka_offset: string;
  inserted_at: number;
}

/** A row of the `clicks` table (0001_raw_clicks.sql). */
export interface ClickRow extends RawRowBase {
  click_id: string;
  link_slug: string;
  visitor_id: string;
  source: string;
  country: string;
  device: string;
  /** '' for clicks recorded before the edge sent them (0008). */
  browser: string;
  os: string;
  is_bot: 0 | 1;
  bot_reason: string;
  variant_id: string;
  user_agent: string;
  referrer: string;
}

/** A row of the `conversions` table (0002_raw_conversions.sql, 0007_conversion_segments.sql). */
export interface ConversionRow extends RawRowBase {
  conversion_id: string;
  click_id: string;
  /** payload.clickVariantId, '' when null (the segment "default") or absent. */
  click_variant_id: string;
  /** 1 when the event says the credited click's variant (null included), 0 when it leaves it out (the segment "unknown"). */
  click_variant_known: 0 | 1;
  order_id: string;
  event_type: string;
  value: number;
  currency: string;
  metadata: string;
  test: 0 | 1;
}

export type Decoded<T> = { ok: true; row: T } | { ok: false; error: string };
/** A message's rows: a batch message holds several events. */
export type DecodedRows<T> = { ok: true; rows: T[] } | { ok: false; error: string };

/** DateTime is unsigned 32-bit seconds; anything outside would wrap silently or fail the whole insert. */
const MAX_DATETIME_SECONDS = 4294967295;
/** The largest conversion value the API accepts (RecordConversionBody); Decimal(18, 4) holds it exactly. */
export const MAX_CONVERSION_VALUE = 1e12;

function toUnixSeconds(iso: string): number | null {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  const seconds = Math.floor(ms / 1000);
  return seconds >= 0 && seconds <= MAX_DATETIME_SECONDS ? seconds : null;
}

/** Unix seconds of the envelope's occurredAt, or an error for a time DateTime cannot hold. */
function occurredAtOf(envelope: Envelope<unknown>): { ok: true; seconds: number } | { ok: false; error: string } {
  const seconds = toUnixSeconds(envelope.occurredAt);
  return seconds === null ? { ok: false, error: `occurredAt ${envelope.occurredAt} is outside 1970..2106` } : { ok: true, seconds };
}

// Rows are written out field by field: on this hot path, object spread followed by more
// properties costs ~20 µs a row in V8, more than validating the message.

/** A validated click.recorded envelope as a `clicks` row. */
export function clickRow(envelope: Envelope<ClickRecordedV1>, position: KafkaPosition, insertedAt: number): Decoded<ClickRow> {
  const p = envelope.payload;
  const occurredAt = occurredAtOf(envelope);
  if (!occurredAt.ok) return occurredAt;
  return {
    ok: true,
    row: {
      event_id: envelope.eventId,
      handle: envelope.handle,
      campaign_id: p.campaignId,
      occurred_at: occurredAt.seconds,
      kafka_topic: position.topic,
      kafka_partition: position.partition,
      kafka_offset: position.offset,
      inserted_at: insertedAt,
      click_id: p.clickId,
      link_slug: p.linkSlug,
      visitor_id: p.visitorId,
      source: p.source,
      country: p.country,
      device: p.device,
      browser: p.browser ?? '',
      os: p.os ?? '',
      is_bot: p.isBot ? 1 : 0,
      bot_reason: p.botReason ?? '',
      variant_id: p.variantId ?? '',
      user_agent: p.userAgent,
      referrer: p.referrer,
    },
  };
}

/**
 * A validated conversion envelope as a `conversions` row. conversion.tested is always test = 1;
 * so is a conversion.recorded that says `test: true`, so no test ever reaches the rollups.
 */
export function conversionRow(
  envelope: Envelope<ConversionRecordedV1 | ConversionTestedV1>,
  position: KafkaPosition,
  insertedAt: number,
): Decoded<ConversionRow> {
  const p = envelope.payload;
  if (!Number.isFinite(p.value) || p.value < 0 || p.value > MAX_CONVERSION_VALUE) {
    return { ok: false, error: `payload.value ${p.value} is outside 0..${MAX_CONVERSION_VALUE}` };
  }
  const occurredAt = occurredAtOf(envelope);
  if (!occurredAt.ok) return occurredAt;
  return {
    ok: true,
    row: {
      event_id: envelope.eventId,
      handle: envelope.handle,
      campaign_id: p.campaignId ?? '',
      occurred_at: occurredAt.seconds,
      kafka_topic: position.topic,
      kafka_partition: position.partition,
      kafka_offset: position.offset,
      inserted_at: insertedAt,
      conversion_id: p.conversionId,
      click_id: p.clickId ?? '',
      click_variant_id: p.clickVariantId ?? '',
      click_variant_known: p.clickVariantId === undefined ? 0 : 1,
      order_id: p.orderId ?? '',
      event_type: p.eventType,
      // Decimal(18, 4) in 18.16 refuses JSON numbers with more decimals than its scale.
      value: Number(p.value.toFixed(4)),
      currency: p.currency,
      metadata: JSON.stringify(p.metadata),
      test: envelope.type === ConversionTestedV1.type || p.test ? 1 : 0,
    },
  };
}

export interface RawMessage extends KafkaPosition {
  value: Buffer | null;
}

/**
 * Validates a message of TOPICS.clicks, one click or an event batch of them (the redirect edge
 * batches): its rows, or why the whole message is poison (DLQ).
 */
export function decodeClick(message: RawMessage, insertedAt: number): DecodedRows<ClickRow> {
  const parsed = readEnvelopes(message.value, { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 });
  if (!parsed.ok) return parsed;
  const rows: ClickRow[] = new Array<ClickRow>(parsed.envelopes.length);
  for (let i = 0; i < parsed.envelopes.length; i++) {
    const row = clickRow(parsed.envelopes[i], message, insertedAt);
    if (!row.ok) return parsed.envelopes.length === 1 ? row : { ok: false, error: `[${i}]: ${row.error}` };
    rows[i] = row.row;
  }
  return { ok: true, rows };
}

const CONVERSION_EVENTS = {
  [`${ConversionRecordedV1.type}@${ConversionRecordedV1.version}`]: ConversionRecordedV1,
  [`${ConversionTestedV1.type}@${ConversionTestedV1.version}`]: ConversionTestedV1,
} as const;

/** Validates a message of TOPICS.conversions (recorded or tested); a failure is a poison message (DLQ). */
export function decodeConversion(message: RawMessage, insertedAt: number): Decoded<ConversionRow> {
  const kind = peekEventType(message.value);
  const payload = kind ? CONVERSION_EVENTS[`${kind.type}@${kind.version}`] : undefined;
  if (!kind || !payload) {
    return { ok: false, error: kind ? `unsupported event ${kind.type} v${kind.version} on the conversions topic` : 'not an event envelope' };
  }
  const parsed = readEnvelope(message.value, { type: payload.type, version: payload.version, payload });
  if (!parsed.ok) return parsed;
  return conversionRow(parsed.envelope, message, insertedAt);
}
