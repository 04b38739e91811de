// class-transformer's @Type in the contracts reads decorator metadata.
import 'reflect-metadata';
import { CreateCampaignBody, PutLinkBody } from '@funnel/contracts';
import { parseRequest, validateBody } from './rpc-request';

describe('parseRequest', () => {
  it('accepts a gateway request and keeps only string params', () => {
    const parsed = parseRequest({ handle: 'acme', requestId: 'r1', actor: { sub: 'u', role: 'CREATOR' }, params: { slug: 's', n: 1 }, body: { a: 1 } });
    expect(parsed).toEqual({ ok: true, value: { handle: 'acme', requestId: 'r1', actorSub: 'u', params: { slug: 's' }, body: { a: 1 } } });
  });

  it.each([null, 'x', { handle: 'A B' }, { handle: '' }, {}])('rejects %p with a 400', (raw) => {
    const parsed = parseRequest(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reply).toEqual({ ok: false, error: expect.objectContaining({ status: 400 }) });
  });
});

describe('validateBody', () => {
  it('maps a bad campaignId to invalid_campaign_id', () => {
    const checked = validateBody(CreateCampaignBody, { goalType: 'PRODUCT_SALE', campaignId: 'No!' });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.reply).toEqual({ ok: false, error: expect.objectContaining({ status: 400, error: 'invalid_campaign_id' }) });
  });

  it('reports other problems as validation_failed with fields, unknown fields included', () => {
    const checked = validateBody(CreateCampaignBody, { goalType: 'NOPE', extra: true });
    expect(checked.ok).toBe(false);
    if (!checked.ok && !checked.reply.ok) {
      expect(checked.reply.error.error).toBe('validation_failed');
      expect(checked.reply.error.fields?.map((f) => f.field).sort()).toEqual(['extra', 'goalType']);
    }
  });

  it('validates nested tracking policies', () => {
    const checked = validateBody(PutLinkBody, { destinationUrl: 'https://x.example.com', trackingPolicy: { mode: 'SOMETIMES', appendContextParam: true } });
    expect(checked.ok).toBe(false);
    if (!checked.ok && !checked.reply.ok) expect(checked.reply.error.fields?.[0].field).toBe('trackingPolicy.mode');
  });

  it('returns a typed instance for a good body', () => {
    const checked = validateBody(PutLinkBody, { destinationUrl: 'https://shop.example.com/spring', campaignId: 'spring-launch' });
    expect(checked).toEqual({ ok: true, value: expect.objectContaining({ campaignId: 'spring-launch' }) });
  });
});
