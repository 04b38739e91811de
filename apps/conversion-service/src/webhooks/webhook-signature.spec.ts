import { createHmac } from 'node:crypto';
import { newWebhookSecret } from '@funnel/auth';
import { signWebhook, verifyWebhookSignature, webhookHeaders } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec_' + 'ab'.repeat(32);
  const body = JSON.stringify({ id: 'e1', type: 'conversion.recorded', createdAt: '2025-01-01T00:00:00.000Z', data: { value: 1 } });

  it('is v1= hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the whole secret', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, 1700000000, body)).toBe(`v1=${expected}`);
    // A known vector, so a change of algorithm or format cannot pass unnoticed.
    expect(signWebhook('whsec_test', 1, '{}')).toBe(`v1=${createHmac('sha256', 'whsec_test').update('1.{}').digest('hex')}`);
    expect(signWebhook(secret, 1700000000, body)).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it('builds the delivery headers with a unix-seconds timestamp', () => {
    const headers = webhookHeaders('e1', secret, body, new Date(1700000000_900));
    expect(headers).toEqual({
      'content-type': 'application/json',
      'webhook-id': 'e1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': signWebhook(secret, 1700000000, body),
    });
  });

  it('verifies its own signatures and rejects tampering, other secrets and stale timestamps', () => {
    const now = new Date(1700000000_000);
    const signature = signWebhook(secret, 1700000000, body);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000000', signature }, body, now)).toBe(true);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000000', signature }, body + ' ', now)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', { timestamp: '1700000000', signature }, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000001', signature }, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000000', signature }, body, new Date(1700001000_000))).toBe(false);
  });

  it('generates whsec_ + 64 hex characters, different each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
