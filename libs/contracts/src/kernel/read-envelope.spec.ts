import 'reflect-metadata';
import { createEnvelope, parseEnvelope, PayloadClass } from './envelope';
import { ClickRecordedV1 } from '../clicks/events/click-recorded.v1';
import { ConversionRecordedV1 } from '../conversions/events/conversion-recorded.v1';
import { ConversionTestedV1 } from '../conversions/events/conversion-tested.v1';
import { readEnvelope } from './read-envelope';

const click = createEnvelope({
  type: ClickRecordedV1.type,
  version: ClickRecordedV1.version,
  handle: 'acme',
  aggregateId: 'a1',
  causationId: '0195f0a2-7c1e-7c3a-9d2b-6f1e2a3b4c00',
  payload: {
    clickId: '0195f0a2-7c1e-7c3a-9d2b-6f1e2a3b4c5d',
    campaignId: 'spring',
    linkSlug: 'promo',
    visitorId: 'v',
    userAgent: 'ua',
    referrer: '',
    source: 'email',
    country: 'US',
    device: 'mobile',
    isBot: false,
    botReason: null,
    variantId: 'b',
  },
});

const conversion = createEnvelope({
  type: ConversionRecordedV1.type,
  version: 1,
  handle: 'acme',
  aggregateId: 'c1',
  payload: {
    conversionId: '0195f0a2-7c1e-7c3a-9d2b-6f1e2a3b4c5e',
    campaignId: null,
    clickId: 'x',
    orderId: null,
    eventType: 'purchase',
    value: 1.5,
    currency: 'USD',
    metadata: { a: 1 },
    test: false,
  },
});

/** Values that break some rule of some field: wrong types, empties, bounds, formats. */
const WRONG: unknown[] = [undefined, null, '', 'x', ' ', 0, -1, 1.5, 2, true, [], {}, 'x'.repeat(3000), '2026-13-45', 'not-a-uuid', 'USD', 'toaster', 'mobile', '0195f0a2-7c1e-7c3a-9d2b-6f1e2a3b4c5d', '2026-02-25T12:00:00Z'];

function variants(envelope: Record<string, unknown>): unknown[] {
  const out: unknown[] = [envelope];
  const payload = envelope.payload as Record<string, unknown>;
  for (const key of [...Object.keys(envelope), 'extra']) for (const v of WRONG) out.push({ ...envelope, [key]: v });
  for (const key of [...Object.keys(payload), 'extra']) for (const v of WRONG) out.push({ ...envelope, payload: { ...payload, [key]: v } });
  for (const key of Object.keys(envelope)) {
    const { [key]: _dropped, ...rest } = envelope;
    out.push(rest);
  }
  for (const key of Object.keys(payload)) {
    const { [key]: _dropped, ...rest } = payload;
    out.push({ ...envelope, payload: rest });
  }
  return out;
}

describe('readEnvelope', () => {
  const cases: Array<[string, Record<string, unknown>, { type: string; version: number; payload: PayloadClass<object> }]> = [
    ['click.recorded', click as unknown as Record<string, unknown>, { type: ClickRecordedV1.type, version: 1, payload: ClickRecordedV1 }],
    ['conversion.recorded', conversion as unknown as Record<string, unknown>, { type: ConversionRecordedV1.type, version: 1, payload: ConversionRecordedV1 }],
    ['conversion.tested', { ...conversion, type: ConversionTestedV1.type } as Record<string, unknown>, { type: ConversionTestedV1.type, version: 1, payload: ConversionTestedV1 }],
  ];

  it.each(cases)('gives parseEnvelope\'s verdict and error on every variant of a %s envelope', (_name, envelope, expected) => {
    let accepted = 0;
    for (const variant of variants(envelope)) {
      const raw = JSON.stringify(variant);
      const fast = readEnvelope(raw, expected);
      const reference = parseEnvelope(raw, expected);
      expect({ raw, ok: fast.ok }).toEqual({ raw, ok: reference.ok });
      if (!fast.ok && !reference.ok) expect(fast.error).toBe(reference.error);
      if (fast.ok && reference.ok) {
        accepted++;
        const { payload: fastPayload, ...fastRest } = fast.envelope;
        const { payload: refPayload, ...refRest } = reference.envelope;
        expect(fastRest).toEqual(refRest);
        expect({ ...fastPayload }).toEqual({ ...refPayload });
        expect(fastPayload).toBeInstanceOf(expected.payload);
      }
    }
    expect(accepted).toBeGreaterThan(1);
  });

  it('handles what is not JSON or not an envelope like parseEnvelope', () => {
    const expected = { type: ClickRecordedV1.type, version: 1, payload: ClickRecordedV1 };
    for (const raw of [null, '', '{', '[]', '42', 'true', Buffer.from(JSON.stringify(click))]) {
      expect(readEnvelope(raw, expected)).toEqual(parseEnvelope(raw, expected));
    }
  });

  it('calls poison, without throwing, JSON values that are not objects', () => {
    const expected = { type: ClickRecordedV1.type, version: 1, payload: ClickRecordedV1 };
    for (const raw of ['null', '"x"']) {
      const read = readEnvelope(raw, expected);
      expect(read.ok).toBe(false);
      expect(read).toEqual(parseEnvelope(raw, expected));
    }
  });
});
