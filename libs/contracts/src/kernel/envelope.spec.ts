import { ClickRecordedV1 } from '../clicks/events/click-recorded.v1';
import { createEnvelope, encodeEventBatch, MAX_BATCHED_EVENTS, parseEnvelope, parseEnvelopes } from './envelope';

const expected = { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 };

describe('parseEnvelope', () => {
  it.each(['null', '"text"', '42', '[1,2]', 'true'])('rejects the JSON value %s without throwing', (raw) => {
    expect(parseEnvelope(raw, expected)).toEqual({ ok: false, error: 'message value is not a JSON object' });
  });

  it('rejects empty values, bad JSON and the wrong event type', () => {
    expect(parseEnvelope(null, expected)).toMatchObject({ ok: false, error: 'empty message value' });
    expect(parseEnvelope('{', expected)).toMatchObject({ ok: false });
    const other = createEnvelope({ type: 'conversion.recorded', version: 1, handle: 'h', aggregateId: 'a', payload: {} });
    expect(parseEnvelope(JSON.stringify(other), expected)).toMatchObject({ ok: false, error: expect.stringContaining('unexpected event') });
  });

  it('accepts a valid envelope and names a bad payload field', () => {
    const payload = {
      clickId: createEnvelope({ type: 'x', version: 1, handle: 'h', aggregateId: 'a', payload: {} }).eventId,
      campaignId: 'c1', linkSlug: 's', visitorId: 'v', userAgent: 'ua', referrer: '', source: 'direct',
      country: 'US', device: 'mobile', isBot: false, botReason: null, variantId: null,
    };
    const envelope = createEnvelope({ type: ClickRecordedV1.type, version: 1, handle: 'h', aggregateId: payload.clickId, payload });
    const parsed = parseEnvelope(Buffer.from(JSON.stringify(envelope)), expected);
    expect(parsed.ok).toBe(true);
    const bad = parseEnvelope(JSON.stringify({ ...envelope, payload: { ...payload, device: 'fridge' } }), expected);
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('payload.device') });
  });
});

describe('event batches', () => {
  const click = () => {
    const clickId = createEnvelope({ type: 'x', version: 1, handle: 'h', aggregateId: 'a', payload: {} }).eventId;
    const payload = {
      clickId, campaignId: 'c1', linkSlug: 's', visitorId: 'v', userAgent: 'ua', referrer: '', source: 'direct',
      country: 'US', device: 'mobile', isBot: false, botReason: null, variantId: null,
    };
    return createEnvelope({ type: ClickRecordedV1.type, version: 1, handle: 'h', aggregateId: clickId, payload });
  };

  it('reads one envelope or a batch of them, in order', () => {
    const one = click();
    expect(parseEnvelopes(JSON.stringify(one), expected)).toMatchObject({ ok: true, envelopes: [{ eventId: one.eventId }] });
    const batch = [click(), click(), click()];
    const parsed = parseEnvelopes(Buffer.from(encodeEventBatch(batch)), expected);
    expect(parsed.ok && parsed.envelopes.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
  });

  it('calls the whole batch poison when one envelope is bad, naming its index', () => {
    const bad = { ...click(), payload: { ...click().payload, device: 'fridge' } };
    expect(parseEnvelopes(JSON.stringify([click(), bad]), expected)).toMatchObject({ ok: false, error: expect.stringMatching(/^\[1\]: payload\.device/) });
    expect(parseEnvelopes(JSON.stringify([click(), 'text']), expected)).toMatchObject({ ok: false, error: '[1]: message value is not a JSON object' });
  });

  it('refuses empty and oversized batches, when encoding and when reading', () => {
    expect(parseEnvelopes('[]', expected)).toEqual({ ok: false, error: 'empty event batch' });
    const many = Array.from({ length: MAX_BATCHED_EVENTS + 1 }, click);
    expect(parseEnvelopes(JSON.stringify(many), expected)).toMatchObject({ ok: false, error: expect.stringContaining(`at most ${MAX_BATCHED_EVENTS}`) });
    expect(() => encodeEventBatch([])).toThrow(RangeError);
    expect(() => encodeEventBatch(many)).toThrow(RangeError);
    expect(parseEnvelopes(null, expected)).toEqual({ ok: false, error: 'empty message value' });
    expect(parseEnvelopes('[', expected)).toMatchObject({ ok: false, error: expect.stringContaining('invalid JSON') });
  });
});
