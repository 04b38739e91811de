import { createHmac, timingSafeEqual } from 'node:crypto';

// Secrets are minted by the gateway (`newWebhookSecret` in @funnel/auth): `whsec_` + 64 hex, the whole string is the HMAC key.

/** `v1=` + hex HMAC-SHA256(secret, "<timestamp>.<body>"): the timestamp is signed so a captured request cannot be replayed later. */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

export interface WebhookHeaders {
  'content-type': 'application/json';
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function webhookHeaders(eventId: string, secret: string, body: string, now: Date): WebhookHeaders {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, timestamp, body),
  };
}

/**
 * What a receiver does (documented in docs/conversion-service.md): recompute the signature over the
 * raw body, compare in constant time, and reject timestamps too far from its own clock.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string; signature: string },
  body: string,
  now: Date = new Date(),
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
