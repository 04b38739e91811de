import 'reflect-metadata';
import { hashPat, newPatSecret } from '@funnel/auth';
import { CreateTokenRpcBody, Envelope } from '@funnel/contracts';
import { TokenState } from '../token';
import { TokenRepository } from '../token.repository';
import { CreateToken, RevokeToken, VerifyToken } from './token-commands';

class FakeTokens extends TokenRepository {
  readonly rows = new Map<string, TokenState>();
  readonly appended: Array<Envelope<object>> = [];
  async find(handle: string, tokenId: string) {
    return this.rows.get(`${handle}/${tokenId}`) ?? null;
  }
  async findByHash(hash: string) {
    return [...this.rows.values()].find((t) => t.secretHash === hash) ?? null;
  }
  async list(handle: string) {
    return [...this.rows.values()].filter((t) => t.handle === handle);
  }
  async save(state: TokenState, events: Array<Envelope<object>>) {
    this.rows.set(`${state.handle}/${state.tokenId}`, state);
    this.appended.push(...events);
  }
}

describe('personal access tokens', () => {
  const secret = newPatSecret();
  const body = (fields: Partial<CreateTokenRpcBody>) => Object.assign(new CreateTokenRpcBody(), { name: 'ci', scopes: ['campaigns.read'], secretHash: hashPat(secret), lastFour: secret.slice(-4), ...fields });

  it('stores the hash it is given (it never sees a secret, nor returns one), verifies by hash and stops at revocation', async () => {
    const tokens = new FakeTokens();
    const created = await new CreateToken(tokens).execute({ handle: 'acme', requestId: 'r', actorSub: 'u1', body: body({}) });
    if (!created.ok) throw new Error('create failed');
    expect(created.value.token).toBeUndefined();
    const stored = [...tokens.rows.values()][0];
    expect(stored.secretHash).toBe(hashPat(secret));
    expect(created.value.lastFour).toBe(secret.slice(-4));

    const verify = new VerifyToken(tokens);
    expect(await verify.execute({ tokenHash: hashPat(secret) })).toEqual({ ok: true, value: { tokenId: stored.tokenId, handle: 'acme', scopes: ['campaigns.read'] } });
    expect(await verify.execute({ tokenHash: hashPat(`${secret}x`) })).toMatchObject({ ok: false, error: { code: 'invalid_token' } });

    expect(await new RevokeToken(tokens).execute({ handle: 'other', requestId: 'r', tokenId: stored.tokenId })).toMatchObject({ ok: false, error: { code: 'token_not_found' } });
    await new RevokeToken(tokens).execute({ handle: 'acme', requestId: 'r', tokenId: stored.tokenId });
    expect(await verify.execute({ tokenHash: hashPat(secret) })).toMatchObject({ ok: false, error: { code: 'invalid_token' } });
  });

  it('refuses an expiry in the past and stops verifying after the expiry', async () => {
    const tokens = new FakeTokens();
    const now = new Date('2026-03-01T00:00:00Z');
    const create = new CreateToken(tokens);
    expect(await create.execute({ handle: 'acme', requestId: 'r', actorSub: 'u', body: body({ expiresAt: '2026-02-01T00:00:00Z' }), now })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const created = await create.execute({ handle: 'acme', requestId: 'r', actorSub: 'u', body: body({ expiresAt: '2026-03-02T00:00:00Z' }), now });
    if (!created.ok) throw new Error('create failed');
    const verify = new VerifyToken(tokens);
    expect((await verify.execute({ tokenHash: hashPat(secret), now })).ok).toBe(true);
    expect((await verify.execute({ tokenHash: hashPat(secret), now: new Date('2026-03-02T00:00:00Z') })).ok).toBe(false);
  });
});
