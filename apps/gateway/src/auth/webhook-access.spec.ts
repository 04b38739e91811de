import type { AnyPrincipal } from '@funnel/auth';
import { mayReadWebhooks } from './webhook-access';

const jwt = (role: 'VIEWER' | 'CREATOR' | 'ADMIN'): AnyPrincipal => ({ kind: 'jwt', sub: 'u1', handle: 'acme', role, expiresAt: new Date() });

describe('mayReadWebhooks', () => {
  it('is true for a JWT of CREATOR or above, as the webhook routes require', () => {
    expect(mayReadWebhooks(jwt('VIEWER'))).toBe(false);
    expect(mayReadWebhooks(jwt('CREATOR'))).toBe(true);
    expect(mayReadWebhooks(jwt('ADMIN'))).toBe(true);
  });

  it('is false for any PAT, whatever its scopes (no scope covers webhooks)', () => {
    const pat: AnyPrincipal = { kind: 'pat', sub: 'pat:tok_1', handle: 'acme', tokenId: 'tok_1', scopes: ['campaigns.read', 'campaigns.write', 'analytics.*'], role: 'CREATOR' };
    expect(mayReadWebhooks(pat)).toBe(false);
  });
});
