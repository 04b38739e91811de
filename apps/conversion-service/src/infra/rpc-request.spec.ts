import 'reflect-metadata';
import { RecordConversionBody } from '@funnel/contracts';
import { parseRpcRequest } from './rpc-request';

describe('parseRpcRequest', () => {
  const valid = { handle: 'acme', requestId: 'r1', actor: { sub: 'u', role: 'ADMIN' }, params: { campaignId: 'spring', n: 3 }, body: { eventType: 'purchase', value: 10, currency: 'USD' } };

  it('returns the tenant, string params and a validated body instance', async () => {
    const parsed = await parseRpcRequest(valid, RecordConversionBody);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.request).toMatchObject({ handle: 'acme', requestId: 'r1', params: { campaignId: 'spring' } });
    expect(parsed.request.body).toBeInstanceOf(RecordConversionBody);
  });

  it('refuses a request without a valid handle', async () => {
    for (const raw of [null, 'x', {}, { ...valid, handle: 'NOT VALID' }]) {
      const parsed = await parseRpcRequest(raw, RecordConversionBody);
      expect(parsed).toEqual({ ok: false, reply: { ok: false, error: expect.objectContaining({ status: 400, error: 'invalid_request' }) } });
    }
  });

  it('names every bad or unknown field', async () => {
    const parsed = await parseRpcRequest({ ...valid, body: { eventType: 'Bad Type', value: 'x', currency: 'USD', orderId: '', surprise: true } }, RecordConversionBody);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reply).toMatchObject({ ok: false, error: { status: 400, error: 'validation_failed' } });
    const fields = parsed.reply.ok ? [] : (parsed.reply.error.fields ?? []).map((f) => f.field);
    expect([...new Set(fields)].sort()).toEqual(['eventType', 'orderId', 'surprise', 'value']);
  });

  it('refuses a body that is not an object', async () => {
    const parsed = await parseRpcRequest({ ...valid, body: [1] }, RecordConversionBody);
    expect(parsed.ok).toBe(false);
  });

  it('accepts an empty body for a class without fields, and still refuses any field there', async () => {
    class NoBody {}
    expect((await parseRpcRequest({ ...valid, body: {} }, NoBody)).ok).toBe(true);
    expect((await parseRpcRequest({ ...valid, body: undefined }, NoBody)).ok).toBe(true);
    expect(await parseRpcRequest({ ...valid, body: { sneaky: 1 } }, NoBody)).toMatchObject({ ok: false, reply: { error: { status: 400, error: 'validation_failed' } } });
  });
});
