import 'reflect-metadata';
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import jwt from 'jsonwebtoken';
import type { Role } from '@funnel/contracts';
import { signDevToken } from '@funnel/auth';
import { ApiException } from '../http/api.exception';
import { JwtAuthGuard } from './jwt-auth.guard';
import { MinRole } from './min-role.decorator';

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

function rejection(run: () => unknown): { status: number; code: string; message: string } {
  try {
    run();
  } catch (e) {
    if (e instanceof ApiException) return { status: e.getStatus(), code: e.errorCode, message: e.message };
    throw e;
  }
  throw new Error('guard let the request through');
}

describe('JwtAuthGuard', () => {
  const guard = new JwtAuthGuard({ JWT_SECRET: SECRET }, new Reflector());

  it('lets a CREATOR of the route handle through and records the principal', () => {
    const req = request(`Bearer ${token('CREATOR')}`);
    expect(guard.canActivate(contextFor(req))).toBe(true);
    expect(req.principal).toMatchObject({ sub: 'user-1', handle: 'acme', role: 'CREATOR' });
  });

  it('accepts ADMIN on a CREATOR route (roles are ordered)', () => {
    expect(guard.canActivate(contextFor(request(`Bearer ${token('ADMIN')}`)))).toBe(true);
  });

  it('answers 401 without a token or with a non-bearer scheme', () => {
    expect(rejection(() => guard.canActivate(contextFor(request())))).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(rejection(() => guard.canActivate(contextFor(request(`Basic ${token('ADMIN')}`))))).toMatchObject({ status: 401 });
    expect(rejection(() => guard.canActivate(contextFor(request('Bearer '))))).toMatchObject({ status: 401 });
  });

  it('answers 401 for a bad signature', () => {
    const forged = token('ADMIN', 'acme', 'someone-elses-secret-0123');
    expect(rejection(() => guard.canActivate(contextFor(request(`Bearer ${forged}`))))).toMatchObject({
      status: 401,
      message: 'Token signature is invalid',
    });
  });

  it('answers 401 for an expired token', () => {
    const expired = jwt.sign({ sub: 'user-1', handle: 'acme', role: 'ADMIN', exp: Math.floor(Date.now() / 1000) - 60 }, SECRET, {
      algorithm: 'HS256',
    });
    expect(rejection(() => guard.canActivate(contextFor(request(`Bearer ${expired}`))))).toMatchObject({
      status: 401,
      message: 'Token has expired',
    });
  });

  it('answers 401 for a token with alg none', () => {
    const none = jwt.sign({ sub: 'u', handle: 'acme', role: 'ADMIN' }, '', { algorithm: 'none', expiresIn: '1h' });
    expect(rejection(() => guard.canActivate(contextFor(request(`Bearer ${none}`))))).toMatchObject({ status: 401 });
  });

  it('answers 403 to a VIEWER', () => {
    expect(rejection(() => guard.canActivate(contextFor(request(`Bearer ${token('VIEWER')}`))))).toMatchObject({
      status: 403,
      code: 'forbidden',
    });
  });

  it('honours a stricter role on the handler over the class', () => {
    expect(rejection(() => guard.canActivate(contextFor(request(`Bearer ${token('CREATOR')}`), RoutesUnderTest, 'adminRoute')))).toMatchObject({
      status: 403,
    });
    expect(guard.canActivate(contextFor(request(`Bearer ${token('ADMIN')}`), RoutesUnderTest, 'adminRoute'))).toBe(true);
  });

  it('requires ADMIN where a route declares no role', () => {
    expect(rejection(() => guard.canActivate(contextFor(request(`Bearer ${token('CREATOR')}`), RoutesWithoutRole, 'undeclared')))).toMatchObject({
      status: 403,
    });
  });

  it('answers 404 (not 403) for another handle, even to an ADMIN, and records nothing', () => {
    const req = request(`Bearer ${token('ADMIN', 'acme')}`, 'globex');
    expect(rejection(() => guard.canActivate(contextFor(req)))).toMatchObject({ status: 404, code: 'not_found' });
    expect(req.principal).toBeNull();
    // A VIEWER of another handle learns nothing either: 404 before the role check.
    expect(rejection(() => guard.canActivate(contextFor(request(`Bearer ${token('VIEWER', 'acme')}`, 'globex'))))).toMatchObject({
      status: 404,
    });
  });
});
