import 'reflect-metadata';
import { ClickRecordedV1, ConversionRecordedV1, ConversionTestedV1, createEnvelope, TOPICS } from '@funnel/contracts';
import { decodeClick, decodeConversion, MAX_CONVERSION_VALUE, RawMessage } from './event-rows';

const OCCURRED = new Date('2026-02-25T12:34:56.789Z');
const INSERTED = 1772000000;

function message(topic: string, value: unknown, offset = '42'): RawMessage {
  return { topic, partition: 3, offset, value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)) };
}

const clickPayload = (over: Partial<ClickRecordedV1> = {}) => ({
  clickId: '0195f0a2-7c1e-7c3a-9d2b-6f1e2a3b4c5d',
  campaignId: 'spring-launch',
  linkSlug: 'spring-promo',
  visitorId: 'v-1',
  userAgent: 'Mozilla/5.0',
  referrer: 'https://news.example.com/',
  source: 'email',
  country: 'US',
  device: 'mobile',
  isBot: false,
  botReason: null,
  variantId: null,
  ...over,
});

const clickEnvelope = (over: Partial<ClickRecordedV1> = {}) =>
  createEnvelope({ type: ClickRecordedV1.type, version: ClickRecordedV1.version, handle: 'acme', aggregateId: 'click-1', occurredAt: OCCURRED, payload: clickPayload(over) });

const conversionPayload = (over: Record<string, unknown> = {}) => ({
  conversionId: '0195f0a2-7c1e-7c3a-9d2b-000000000001',
  campaignId: 'spring-launch',
  clickId: 'click-1',
  orderId: 'order-1',
  eventType: 'purchase',
  value: 19.99,
  currency: 'USD',
  metadata: { items: 2 },
  test: false,
  ...over,
});

const conversionEnvelope = (type: string, over: Record<string, unknown> = {}) =>
  createEnvelope({ type, version: 1, handle: 'acme', aggregateId: 'conv-1', occurredAt: OCCURRED, payload: conversionPayload(over) });

describe('decodeClick', () => {
  it('maps a click.recorded envelope to a clicks row with its Kafka position', () => {
    const envelope = clickEnvelope({ isBot: true, botReason: 'ua:googlebot', variantId: 'mobile-optimized', device: 'bot' });
    const decoded = decodeClick(message(TOPICS.clicks, envelope, '9007199254740993'), INSERTED);
    expect(decoded).toEqual({
      ok: true,
      row: {
        event_id: envelope.eventId,
        click_id: '0195f0a2-7c1e-7c3a-9d2b-6f1e2a3b4c5d',
        handle: 'acme',
        campaign_id: 'spring-launch',
        link_slug: 'spring-promo',
        occurred_at: Math.floor(OCCURRED.getTime() / 1000),
        visitor_id: 'v-1',
        source: 'email',
        country: 'US',
        device: 'bot',
        is_bot: 1,
        bot_reason: 'ua:googlebot',
        variant_id: 'mobile-optimized',
        user_agent: 'Mozilla/5.0',
        referrer: 'https://news.example.com/',
        kafka_topic: TOPICS.clicks,
        kafka_partition: 3,
        kafka_offset: '9007199254740993',
        inserted_at: INSERTED,
      },
    });
  });

  it('stores absent values as empty strings', () => {
    const decoded = decodeClick(message(TOPICS.clicks, clickEnvelope({ country: '' })), INSERTED);
    expect(decoded.ok && [decoded.row.country, decoded.row.bot_reason, decoded.row.variant_id, decoded.row.is_bot]).toEqual(['', '', '', 0]);
  });

  it('calls poison what is not a valid click.recorded v1', () => {
    const cases: unknown[] = [
      null,
      'null',
      '"a string"',
      'not json {',
      { hello: 'world' },
      { ...clickEnvelope(), type: 'click.recorded', version: 2 },
      { ...clickEnvelope(), payload: { ...clickPayload(), device: 'toaster' } },
      { ...clickEnvelope(), payload: { ...clickPayload(), clickId: 'not-a-uuid' } },
      { ...clickEnvelope(), occurredAt: '1960-01-01T00:00:00Z' },
      { ...clickEnvelope(), occurredAt: '2200-01-01T00:00:00Z' },
    ];
    for (const value of cases) {
      const decoded = decodeClick(message(TOPICS.clicks, value), INSERTED);
      expect(decoded.ok).toBe(false);
      expect(!decoded.ok && decoded.error.length).toBeGreaterThan(0);
    }
  });
});

describe('decodeConversion', () => {
  it('maps conversion.recorded to a counted row and keeps the metadata as JSON', () => {
    const envelope = conversionEnvelope(ConversionRecordedV1.type);
    const decoded = decodeConversion(message(TOPICS.conversions, envelope), INSERTED);
    expect(decoded).toEqual({
      ok: true,
      row: {
        event_id: envelope.eventId,
        conversion_id: '0195f0a2-7c1e-7c3a-9d2b-000000000001',
        handle: 'acme',
        campaign_id: 'spring-launch',
        click_id: 'click-1',
        order_id: 'order-1',
        event_type: 'purchase',
        value: 19.99,
        currency: 'USD',
        metadata: '{"items":2}',
        test: 0,
        occurred_at: Math.floor(OCCURRED.getTime() / 1000),
        kafka_topic: TOPICS.conversions,
        kafka_partition: 3,
        kafka_offset: '42',
        inserted_at: INSERTED,
      },
    });
  });

  it('marks conversion.tested, and any conversion flagged test, as test = 1', () => {
    const tested = decodeConversion(message(TOPICS.conversions, conversionEnvelope(ConversionTestedV1.type, { test: true })), INSERTED);
    expect(tested.ok && tested.row.test).toBe(1);
    const testedUnflagged = decodeConversion(message(TOPICS.conversions, conversionEnvelope(ConversionTestedV1.type)), INSERTED);
    expect(testedUnflagged.ok && testedUnflagged.row.test).toBe(1);
    const flagged = decodeConversion(message(TOPICS.conversions, conversionEnvelope(ConversionRecordedV1.type, { test: true })), INSERTED);
    expect(flagged.ok && flagged.row.test).toBe(1);
  });

  it('stores an unattributed conversion with an empty campaign and rounds the value to 4 decimals', () => {
    const decoded = decodeConversion(
      message(TOPICS.conversions, conversionEnvelope(ConversionRecordedV1.type, { campaignId: null, clickId: null, orderId: null, value: 0.1 + 0.2 })),
      INSERTED,
    );
    expect(decoded.ok && [decoded.row.campaign_id, decoded.row.click_id, decoded.row.order_id, decoded.row.value]).toEqual(['', '', '', 0.3]);
    const tiny = decodeConversion(message(TOPICS.conversions, conversionEnvelope(ConversionRecordedV1.type, { value: 1.23456789 })), INSERTED);
    expect(tiny.ok && JSON.stringify(tiny.row.value)).toBe('1.2346');
  });

  it('calls poison unknown event types and values the tables cannot hold', () => {
    const cases: unknown[] = [
      conversionEnvelope('conversion.refunded'),
      { ...conversionEnvelope(ConversionRecordedV1.type), version: 2 },
      conversionEnvelope(ConversionRecordedV1.type, { value: -1 }),
      conversionEnvelope(ConversionRecordedV1.type, { value: MAX_CONVERSION_VALUE * 10 }),
      conversionEnvelope(ConversionRecordedV1.type, { currency: 'DOLLARS' }),
      'garbage',
      null,
    ];
    for (const value of cases) expect(decodeConversion(message(TOPICS.conversions, value), INSERTED).ok).toBe(false);
  });
});
