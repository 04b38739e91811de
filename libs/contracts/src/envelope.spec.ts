import { ClickRecordedV1 } from './events/click/click-recorded.v1';
import { createEnvelope, parseEnvelope } from './envelope';

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
