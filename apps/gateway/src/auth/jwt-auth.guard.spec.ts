import 'reflect-metadata';
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import jwt from 'jsonwebtoken';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Role } from '@funnel/contracts';
import { hashPat, signDevToken } from '@funnel/auth';
import { ApiException } from '../platform/http/api.exception';
import { RpcClient } from '../platform/rpc/rpc.client';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthGuard, credentialFor, invalidToken, JwtAuthGuard, TOKEN_LOOKUP_HANDLE } from './jwt-auth.guard';
import { NegativeTokenCache } from './negative-token-cache';
import { MinRole } from './min-role.decorator';
import { Scopes } from './scopes.decorator';

const SECRET = 'guard-test-secret-0123456789';
/** Well-formed PATs (prefix + 43 base64url characters). */
const pat = (fill: string) => `fnl_pat_${fill.repeat(43).slice(0, 43)}`;
const READER = pat('reader');
const WILD = pat('wild');
const UNKNOWN = pat('unknown');

@MinRole('CREATOR')
class RoutesUnderTest {
  creatorRoute(): void {}
  @MinRole('ADMIN') adminRoute(): void {}
}

class RoutesWithoutRole {
  undeclared(): void {}
}

interface FakeRequest {
  headers: Record<string, string>;
  params: Record<string, string>;
  principal: unknown;
  /** The template the router matched, as Fastify gives it. */
  routeOptions: { url?: string };
  url: string;
  ip: string;
  requestId?: string;
}

function contextFor(request: FakeRequest, cls: object = RoutesUnderTest, handler: string = 'creatorRoute'): ExecutionContext {
  const type = cls as { prototype: Record<string, () => void> };
  return {
    switchToHttp: () => ({ getRequest: () => request }),
    getHandler: () => type.prototype[handler],
    getClass: () => cls,
  } as unknown as ExecutionContext;
}

const token = (role: Role, handle = 'acme', secret = SECRET) => signDevToken({ sub: 'user-1', handle, role, secret, expiresIn: '1h' });
const request = (authorization?: string, handle = 'acme'): FakeRequest => ({
  headers: authorization === undefined ? {} : { authorization },
  params: { handle },
  principal: null,
  routeOptions: { url: '/v2/handles/:handle/campaigns' },
  url: `/v2/handles/${handle}/campaigns`,
  ip: '203.0.113.7',
});

async function rejection(run: () => Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ApiException) return { status: e.getStatus(), code: e.errorCode, message: e.message };
    throw e;
  }
  throw new Error('guard let the request through');
}

describe('JwtAuthGuard', () => {
  const guard = new JwtAuthGuard({ JWT_SECRET: SECRET }, new Reflector());
  // No RpcClient: JWT routes never call out.

  it('lets a CREATOR of the route handle through and records the principal', async () => {
    const req = request(`Bearer ${token('CREATOR')}`);
    expect(await guard.canActivate(contextFor(req))).toBe(true);
    expect(req.principal).toMatchObject({ sub: 'user-1', handle: 'acme', role: 'CREATOR' });
  });

  it('accepts ADMIN on a CREATOR route (roles are ordered)', async () => {
    expect(await guard.canActivate(contextFor(request(`Bearer ${token('ADMIN')}`)))).toBe(true);
  });

  it('answers 401 without a token or with a non-bearer scheme', async () => {
    expect(await rejection(() => guard.canActivate(contextFor(request())))).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await rejection(() => guard.canActivate(contextFor(request(`Basic ${token('ADMIN')}`))))).toMatchObject({ status: 401 });
    expect(await rejection(() => guard.canActivate(contextFor(request('Bearer '))))).toMatchObject({ status: 401 });
  });

  it('answers 401 for a bad signature', async () => {
    const forged = token('ADMIN', 'acme', 'someone-elses-secret-0123');
    expect(await rejection(() => guard.canActivate(contextFor(request(`Bearer ${forged}`))))).toMatchObject({
      status: 401,
      message: 'Token signature is invalid',
    });
  });

  it('answers 401 for an expired token', async () => {
    const expired = jwt.sign({ sub: 'user-1', handle: 'acme', role: 'ADMIN', exp: Math.floor(Date.now() / 1000) - 60 }, SECRET, {
      algorithm: 'HS256',
    });
    expect(await rejection(() => guard.canActivate(contextFor(request(`Bearer ${expired}`))))).toMatchObject({
      status: 401,
      message: 'Token has expired',
    });
  });

  it('answers 401 for a token with alg none', async () => {
    const none = jwt.sign({ sub: 'u', handle: 'acme', role: 'ADMIN' }, '', { algorithm: 'none', expiresIn: '1h' });
    expect(await rejection(() => guard.canActivate(contextFor(request(`Bearer ${none}`))))).toMatchObject({ status: 401 });
  });

  it('answers 403 to a VIEWER', async () => {
    expect(await rejection(() => guard.canActivate(contextFor(request(`Bearer ${token('VIEWER')}`))))).toMatchObject({
      status: 403,
      code: 'forbidden',
    });
  });

  it('honours a stricter role on the handler over the class', async () => {
    expect(await rejection(() => guard.canActivate(contextFor(request(`Bearer ${token('CREATOR')}`), RoutesUnderTest, 'adminRoute')))).toMatchObject({
      status: 403,
    });
    expect(await guard.canActivate(contextFor(request(`Bearer ${token('ADMIN')}`), RoutesUnderTest, 'adminRoute'))).toBe(true);
  });

  it('requires ADMIN where a route declares no role', async () => {
    expect(await rejection(() => guard.canActivate(contextFor(request(`Bearer ${token('CREATOR')}`), RoutesWithoutRole, 'undeclared')))).toMatchObject({
      status: 403,
    });
  });

  it('answers 404 (not 403) for another handle, even to an ADMIN, and records nothing', async () => {
    const req = request(`Bearer ${token('ADMIN', 'acme')}`, 'globex');
    expect(await rejection(() => guard.canActivate(contextFor(req)))).toMatchObject({ status: 404, code: 'not_found' });
    expect(req.principal).toBeNull();
    // A VIEWER of another handle learns nothing either: 404 before the role check.
    expect(await rejection(() => guard.canActivate(contextFor(request(`Bearer ${token('VIEWER', 'acme')}`, 'globex'))))).toMatchObject({
      status: 404,
    });
  });
});

describe('AuthGuard on /v2/public routes (personal access tokens)', () => {
  @Scopes('campaigns.read')
  class PatRoutes {
    read(): void {}
    @Scopes('campaigns.write') write(): void {}
  }
  class NoScopeRoutes {
    undeclared(): void {}
  }

  // The campaign-service knows tokens by hash only, and that is all the guard may send.
  const verified: Record<string, { tokenId: string; handle: string; scopes: string[] }> = {
    [hashPat(READER)]: { tokenId: 'tok_1', handle: 'acme', scopes: ['campaigns.read'] },
    [hashPat(WILD)]: { tokenId: 'tok_2', handle: 'acme', scopes: ['analytics.*', 'campaigns.write', 'campaigns.read'] },
  };
  const calls: string[] = [];
  const rpc = {
    call: async (_pattern: string, _caller: unknown, _params: unknown, body: { tokenHash: string }) => {
      expect(Object.keys(body)).toEqual(['tokenHash']);
      calls.push(body.tokenHash);
      const found = verified[body.tokenHash];
      if (!found) throw new ApiException(401, 'invalid_token', 'The access token is invalid, expired or revoked.');
      return found;
    },
  } as unknown as RpcClient;
  const guard = new AuthGuard({ JWT_SECRET: SECRET }, new Reflector(), rpc);
  const publicRequest = (authorization: string, handle = 'acme'): FakeRequest => ({
    ...request(authorization, handle),
    routeOptions: { url: '/v2/public/handles/:handle/campaigns' },
    url: `/v2/public/handles/${handle}/campaigns`,
    requestId: 'r1',
  });

  it('lets a PAT with the route scope through and records a pat principal', async () => {
    const req = publicRequest(`Bearer ${READER}`);
    expect(await guard.canActivate(contextFor(req, PatRoutes, 'read'))).toBe(true);
    expect(req.principal).toMatchObject({ kind: 'pat', sub: 'pat:tok_1', handle: 'acme', scopes: ['campaigns.read'] });
  });

  it('answers 403 without the scope, and to any PAT on a route that declares none', async () => {
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest(`Bearer ${READER}`), PatRoutes, 'write')))).toMatchObject({ status: 403 });
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest(`Bearer ${WILD}`), NoScopeRoutes, 'undeclared')))).toMatchObject({ status: 403 });
  });

  it('answers 401 to an unknown PAT and to a JWT, 404 for another handle', async () => {
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest(`Bearer ${UNKNOWN}`), PatRoutes, 'read')))).toMatchObject({ status: 401 });
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest(`Bearer ${token('ADMIN')}`), PatRoutes, 'read')))).toMatchObject({ status: 401 });
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest(`Bearer ${WILD}`, 'globex'), PatRoutes, 'read')))).toMatchObject({ status: 404 });
  });

  it('refuses a PAT on a JWT route without asking the campaign-service', async () => {
    calls.length = 0;
    expect(await rejection(() => guard.canActivate(contextFor(request(`Bearer ${READER}`))))).toMatchObject({ status: 401 });
    expect(calls).toEqual([]);
  });
});

describe('AuthGuard: credential type by the matched route, not the raw URL', () => {
  @MinRole('VIEWER')
  @Scopes('campaigns.read')
  class Routes {
    read(): void {}
  }
  const calls: Array<{ handle: string; token: string }> = [];
  const rpc = {
    call: async (_pattern: string, caller: { handle: string }, _params: unknown, body: { tokenHash: string }) => {
      calls.push({ handle: caller.handle, token: body.tokenHash });
      if (body.tokenHash !== hashPat(READER)) throw invalidToken();
      return { tokenId: 'tok_1', handle: 'acme', scopes: ['campaigns.read'] };
    },
  } as unknown as RpcClient;
  const guard = new AuthGuard({ JWT_SECRET: SECRET }, new Reflector(), rpc);
  const at = (template: string, url: string, authorization: string, params: Record<string, string> = { handle: 'acme' }): FakeRequest => ({
    ...request(authorization),
    params,
    routeOptions: { url: template },
    url,
    requestId: 'r2',
  });
  beforeEach(() => {
    calls.length = 0;
  });

  it('decides from the template: PAT under /v2/public/, JWT on other routes with a handle, the token form elsewhere', () => {
    expect(credentialFor('/v2/public/handles/:handle/campaigns', 'anything')).toBe('pat');
    expect(credentialFor('/v2/handles/:handle/campaigns', READER)).toBe('jwt');
    expect(credentialFor('/api/v1/reports', READER)).toBe('pat');
    expect(credentialFor('/api/v1/reports', token('ADMIN'))).toBe('jwt');
    expect(credentialFor('/v2/reports', 'garbage')).toBe('jwt');
  });

  it('treats /v2/%70ublic/... as the PAT route the router matched: a JWT is refused there', async () => {
    const jwtOnPublic = at('/v2/public/handles/:handle/campaigns', '/v2/%70ublic/handles/acme/campaigns', `Bearer ${token('ADMIN')}`);
    expect(await rejection(() => guard.canActivate(contextFor(jwtOnPublic, Routes, 'read')))).toMatchObject({ status: 401, code: 'unauthorized' });
    const patOnPublic = at('/v2/public/handles/:handle/campaigns', '/v2/%70ublic/handles/acme/campaigns', `Bearer ${READER}`);
    expect(await guard.canActivate(contextFor(patOnPublic, Routes, 'read'))).toBe(true);
    expect(patOnPublic.principal).toMatchObject({ kind: 'pat', tokenId: 'tok_1' });
  });

  it('does not let a raw URL that looks public turn a JWT route into a PAT route', async () => {
    const req = at('/v2/handles/:handle/campaigns', '/v2/public/handles/acme/campaigns', `Bearer ${READER}`);
    expect(await rejection(() => guard.canActivate(contextFor(req, Routes, 'read')))).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(calls).toEqual([]);
  });

  it('on a route without a handle, takes a JWT by its form and its handle as the tenant', async () => {
    const req = at('/api/v1/reports', '/api/v1/reports', `Bearer ${token('VIEWER', 'globex')}`, {});
    expect(await guard.canActivate(contextFor(req, Routes, 'read'))).toBe(true);
    expect(req.principal).toMatchObject({ kind: 'jwt', handle: 'globex' });
    expect(calls).toEqual([]);
  });

  it('on a route without a handle, takes a PAT by its form, looked up without a route handle', async () => {
    const req = at('/api/v1/reports', '/api/v1/reports', `Bearer ${READER}`, {});
    expect(await guard.canActivate(contextFor(req, Routes, 'read'))).toBe(true);
    expect(req.principal).toMatchObject({ kind: 'pat', handle: 'acme' });
    expect(calls).toEqual([{ handle: TOKEN_LOOKUP_HANDLE, token: hashPat(READER) }]);
  });

  it('on a route without a handle, refuses malformed tokens of either form without a lookup', async () => {
    const malformedPat = at('/api/v1/reports', '/api/v1/reports', 'Bearer fnl_pat_short', {});
    expect(await rejection(() => guard.canActivate(contextFor(malformedPat, Routes, 'read')))).toMatchObject({ status: 401, code: 'invalid_token' });
    const garbage = at('/api/v1/reports', '/api/v1/reports', 'Bearer not-a-token', {});
    expect(await rejection(() => guard.canActivate(contextFor(garbage, Routes, 'read')))).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(calls).toEqual([]);
  });
});

describe('AuthGuard: unauthenticated load', () => {
  @Scopes('campaigns.read')
  class PatRoutes {
    read(): void {}
  }
  let revoked = false;
  const calls: string[] = [];
  const rpc = {
    call: async (_pattern: string, _caller: unknown, _params: unknown, body: { tokenHash: string }) => {
      calls.push(body.tokenHash);
      if (body.tokenHash !== hashPat(READER) || revoked) throw invalidToken();
      return { tokenId: 'tok_1', handle: 'acme', scopes: ['campaigns.read'] };
    },
  } as unknown as RpcClient;
  const LIMIT = 3;
  let guard: AuthGuard;
  let cache: NegativeTokenCache;
  const publicRequest = (authorization: string, ip = '198.51.100.1'): FakeRequest => ({
    ...request(authorization),
    routeOptions: { url: '/v2/public/handles/:handle/campaigns' },
    url: '/v2/public/handles/acme/campaigns',
    ip,
    requestId: 'r3',
  });
  const run = (req: FakeRequest) => guard.canActivate(contextFor(req, PatRoutes, 'read'));
  beforeEach(() => {
    calls.length = 0;
    revoked = false;
    cache = new NegativeTokenCache(100, 30_000);
    const quiet = { warn: () => undefined, log: () => undefined };
    const limiter = new AuthFailureLimiter(new RateLimiterMemory({ points: LIMIT, duration: 60 }), { limit: LIMIT, windowSeconds: 60, logger: quiet });
    guard = new AuthGuard({ JWT_SECRET: SECRET }, new Reflector(), rpc, limiter, cache);
  });

  it('refuses a malformed PAT with invalid_token and no lookup', async () => {
    for (const bad of ['fnl_pat_x', `fnl_pat_${'a'.repeat(44)}`, `fnl_pat_${'a'.repeat(42)}=`]) {
      expect(await rejection(() => run(publicRequest(`Bearer ${bad}`, `192.0.2.${bad.length}`)))).toMatchObject({ status: 401, code: 'invalid_token' });
    }
    expect(calls).toEqual([]);
  });

  it('looks an unknown PAT up once, then refuses it from memory', async () => {
    expect(await rejection(() => run(publicRequest(`Bearer ${UNKNOWN}`, '192.0.2.10')))).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(await rejection(() => run(publicRequest(`Bearer ${UNKNOWN}`, '192.0.2.11')))).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(calls).toEqual([hashPat(UNKNOWN)]);
    expect(cache.size).toBe(1);
  });

  it('never remembers a success: a revoked PAT is refused on the very next request', async () => {
    expect(await run(publicRequest(`Bearer ${READER}`))).toBe(true);
    expect(await run(publicRequest(`Bearer ${READER}`))).toBe(true);
    revoked = true;
    expect(await rejection(() => run(publicRequest(`Bearer ${READER}`)))).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(calls).toEqual([hashPat(READER), hashPat(READER), hashPat(READER)]);
  });

  it('answers 429 with Retry-After past the limit of failures of one address, without a lookup', async () => {
    for (let i = 0; i < LIMIT; i++) {
      expect(await rejection(() => run(publicRequest(`Bearer fnl_pat_bad${i}`)))).toMatchObject({ status: 401 });
    }
    let limited: ApiException | undefined;
    try {
      await run(publicRequest('Bearer fnl_pat_bad-again'));
    } catch (e) {
      limited = e as ApiException;
    }
    expect(limited).toBeInstanceOf(ApiException);
    expect(limited?.getStatus()).toBe(429);
    expect(limited?.errorCode).toBe('rate_limited');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited?.headers['retry-after'])).toBeLessThanOrEqual(60);

    // Even a real PAT from that address is not looked up until the window ends.
    expect(await rejection(() => run(publicRequest(`Bearer ${READER}`)))).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(calls).toEqual([]);
    // Another address is untouched.
    expect(await run(publicRequest(`Bearer ${READER}`, '198.51.100.2'))).toBe(true);
  });

  it('counts bad JWTs too, while a valid JWT from a limited address still passes (checked locally)', async () => {
    @MinRole('VIEWER')
    class JwtRoutes {
      read(): void {}
    }
    const jwtRequest = (authorization: string): FakeRequest => ({ ...request(authorization), ip: '198.51.100.9' });
    const forged = token('ADMIN', 'acme', 'someone-elses-secret-0123');
    for (let i = 0; i < LIMIT; i++) {
      expect(await rejection(() => guard.canActivate(contextFor(jwtRequest(`Bearer ${forged}`), JwtRoutes, 'read')))).toMatchObject({ status: 401 });
    }
    expect(await rejection(() => guard.canActivate(contextFor(jwtRequest(`Bearer ${forged}`), JwtRoutes, 'read')))).toMatchObject({ status: 429 });
    expect(await guard.canActivate(contextFor(jwtRequest(`Bearer ${token('VIEWER')}`), JwtRoutes, 'read'))).toBe(true);
  });

  it('does not count a request without a token, nor a 403 or 404 of a valid credential', async () => {
    for (let i = 0; i < LIMIT + 2; i++) {
      expect(await rejection(() => run(publicRequest('')))).toMatchObject({ status: 401 });
      expect(await rejection(() => guard.canActivate(contextFor(request(`Bearer ${token('VIEWER')}`, 'globex'))))).toMatchObject({ status: 404 });
    }
    expect(await run(publicRequest(`Bearer ${READER}`))).toBe(true);
  });
});
