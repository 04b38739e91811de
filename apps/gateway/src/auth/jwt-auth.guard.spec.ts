import 'reflect-metadata';
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import jwt from 'jsonwebtoken';
import type { Role } from '@funnel/contracts';
import { hashPat, signDevToken } from '@funnel/auth';
import { ApiException } from '../platform/http/api.exception';
import { RpcClient } from '../platform/rpc/rpc.client';
import { AuthGuard, JwtAuthGuard } from './jwt-auth.guard';
import { MinRole } from './min-role.decorator';
import { Scopes } from './scopes.decorator';

const SECRET = 'guard-test-secret-0123456789';

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
    [hashPat('fnl_pat_reader')]: { tokenId: 'tok_1', handle: 'acme', scopes: ['campaigns.read'] },
    [hashPat('fnl_pat_wild')]: { tokenId: 'tok_2', handle: 'acme', scopes: ['analytics.*', 'campaigns.write', 'campaigns.read'] },
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
  const publicRequest = (authorization: string, handle = 'acme') => ({
    ...request(authorization, handle),
    url: `/v2/public/handles/${handle}/campaigns`,
    requestId: 'r1',
  });

  it('lets a PAT with the route scope through and records a pat principal', async () => {
    const req = publicRequest('Bearer fnl_pat_reader');
    expect(await guard.canActivate(contextFor(req, PatRoutes, 'read'))).toBe(true);
    expect(req.principal).toMatchObject({ kind: 'pat', sub: 'pat:tok_1', handle: 'acme', scopes: ['campaigns.read'] });
  });

  it('answers 403 without the scope, and to any PAT on a route that declares none', async () => {
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest('Bearer fnl_pat_reader'), PatRoutes, 'write')))).toMatchObject({ status: 403 });
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest('Bearer fnl_pat_wild'), NoScopeRoutes, 'undeclared')))).toMatchObject({ status: 403 });
  });

  it('answers 401 to an unknown PAT and to a JWT, 404 for another handle', async () => {
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest('Bearer fnl_pat_nope'), PatRoutes, 'read')))).toMatchObject({ status: 401 });
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest(`Bearer ${token('ADMIN')}`), PatRoutes, 'read')))).toMatchObject({ status: 401 });
    expect(await rejection(() => guard.canActivate(contextFor(publicRequest('Bearer fnl_pat_wild', 'globex'), PatRoutes, 'read')))).toMatchObject({ status: 404 });
  });

  it('refuses a PAT on a JWT route without asking the campaign-service', async () => {
    calls.length = 0;
    expect(await rejection(() => guard.canActivate(contextFor(request('Bearer fnl_pat_reader'))))).toMatchObject({ status: 401 });
    expect(calls).toEqual([]);
  });
});
