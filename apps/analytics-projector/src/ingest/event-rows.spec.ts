import 'reflect-metadata';
import { ClickRecordedV1, ConversionRecordedV1, ConversionTestedV1, createEnvelope, MAX_BATCHED_EVENTS, TOPICS } from '@funnel/contracts';
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
      rows: [
        {
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
        browser: '',
        os: '',
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
      ],
    });
  });

  it('stores absent values as empty strings', () => {
    const decoded = decodeClick(message(TOPICS.clicks, clickEnvelope({ country: '' })), INSERTED);
    const row = decoded.ok ? decoded.rows[0] : undefined;
    expect(row && [row.country, row.bot_reason, row.variant_id, row.is_bot, row.browser, row.os]).toEqual(['', '', '', 0, '', '']);
  });

  it('keeps the browser and OS the edge read from the user agent', () => {
    const decoded = decodeClick(message(TOPICS.clicks, clickEnvelope({ browser: 'Mobile Safari', os: 'iOS' })), INSERTED);
    expect(decoded.ok && [decoded.rows[0].browser, decoded.rows[0].os]).toEqual(['Mobile Safari', 'iOS']);
  });

  it('turns an event batch into one row per click, all at the message offset', () => {
    const envelopes = [clickEnvelope(), clickEnvelope({ country: 'DE' }), clickEnvelope({ device: 'desktop' })];
    const decoded = decodeClick(message(TOPICS.clicks, envelopes, '77'), INSERTED);
    expect(decoded.ok && decoded.rows.map((r) => [r.event_id, r.country, r.device, r.kafka_offset])).toEqual([
      [envelopes[0].eventId, 'US', 'mobile', '77'],
      [envelopes[1].eventId, 'DE', 'mobile', '77'],
      [envelopes[2].eventId, 'US', 'desktop', '77'],
    ]);
  });

  it('calls a whole batch poison when one of its clicks is invalid, and says which', () => {
    const bad = { ...clickEnvelope(), payload: { ...clickPayload(), device: 'toaster' } };
    const decoded = decodeClick(message(TOPICS.clicks, [clickEnvelope(), bad, clickEnvelope()]), INSERTED);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.error).toMatch(/^\[1\]: payload\.device/);
    const late = decodeClick(message(TOPICS.clicks, [clickEnvelope(), { ...clickEnvelope(), occurredAt: '2200-01-01T00:00:00Z' }]), INSERTED);
    expect(!late.ok && late.error).toMatch(/^\[1\]: occurredAt/);
  });

  it('refuses empty and oversized batches', () => {
    expect(decodeClick(message(TOPICS.clicks, []), INSERTED)).toEqual({ ok: false, error: 'empty event batch' });
    const tooMany = Array.from({ length: MAX_BATCHED_EVENTS + 1 }, () => clickEnvelope());
    const decoded = decodeClick(message(TOPICS.clicks, tooMany), INSERTED);
    expect(!decoded.ok && decoded.error).toContain(`at most ${MAX_BATCHED_EVENTS}`);
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
    const envelope = conversionEnvelope(ConversionRecordedV1.type, { clickVariantId: 'variant-a' });
    const decoded = decodeConversion(message(TOPICS.conversions, envelope), INSERTED);
    expect(decoded).toEqual({
      ok: true,
      row: {
        event_id: envelope.eventId,
        conversion_id: '0195f0a2-7c1e-7c3a-9d2b-000000000001',
        handle: 'acme',
        campaign_id: 'spring-launch',
        click_id: 'click-1',
        click_variant_id: 'variant-a',
        click_variant_known: 1,
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

  it("stores the credited click's variant: '' and known for null, '' and not known when the event leaves it out", () => {
    const variantOf = (over: Record<string, unknown>) => {
      const decoded = decodeConversion(message(TOPICS.conversions, conversionEnvelope(ConversionRecordedV1.type, over)), INSERTED);
      return decoded.ok ? [decoded.row.click_variant_id, decoded.row.click_variant_known] : decoded.error;
    };
    expect(variantOf({ clickVariantId: 'variant-a' })).toEqual(['variant-a', 1]);
    expect(variantOf({ clickVariantId: null })).toEqual(['', 1]);
    expect(variantOf({})).toEqual(['', 0]);
    // Not a string: poison, like any other invalid payload field.
    expect(typeof variantOf({ clickVariantId: 7 })).toBe('string');
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
