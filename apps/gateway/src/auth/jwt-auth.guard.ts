import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { GatewayEnv } from '@funnel/config';
import { HANDLE_PATTERN, PAT_PREFIX, Role, RPCS } from '@funnel/contracts';
import { AnyPrincipal, hashPat, PatPrincipal, roleAtLeast, scopesAllow, verifyToken } from '@funnel/auth';
import { ApiException } from '../platform/http/api.exception';
import { GATEWAY_ENV } from '../platform/gateway.options';
import { RpcClient } from '../platform/rpc/rpc.client';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { MIN_ROLE } from './min-role.decorator';
import { NegativeTokenCache } from './negative-token-cache';
import { REQUIRED_SCOPES } from './scopes.decorator';
import { isWellFormedJwt, isWellFormedPat } from './token-format';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Route templates under this prefix are for automation with personal access tokens. */
export const PUBLIC_PREFIX = '/v2/public/';

/**
 * A tokenVerify request on a route without a handle in its path is addressed to this name (the
 * lookup is by token alone; the reply names the token's own handle).
 */
export const TOKEN_LOOKUP_HANDLE = 'gateway';

export type Credential = 'pat' | 'jwt';

/**
 * Which credential a route takes, from the template the router matched (never the raw URL, which
 * may spell the same route as `/v2/%70ublic/...`): PAT under /v2/public/, JWT on any other route
 * with a `:handle`, and on a route without one (e.g. /api/v1) the token's own form decides.
 */
export function credentialFor(routeTemplate: string | undefined, token: string): Credential {
  if (routeTemplate?.startsWith(PUBLIC_PREFIX)) return 'pat';
  if (routeTemplate?.includes(':handle')) return 'jwt';
  return token.startsWith(PAT_PREFIX) ? 'pat' : 'jwt';
}

/** The answer for a PAT that is malformed, unknown, revoked or expired (the same as the campaign-service's). */
export function invalidToken(): ApiException {
  return new ApiException(401, 'invalid_token', 'The access token is invalid, expired or revoked.');
}

export function rateLimited(retryAfterSeconds: number): ApiException {
  return new ApiException(
    429,
    'rate_limited',
    `Too many failed authentications from this address; try again in ${retryAfterSeconds} s.`,
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/**
 * Authenticates `Authorization: Bearer <token>` and authorizes it for the route's `{handle}`.
 * JWT routes (`/v2/handles/...`) take a JWT and check the route's @MinRole (ADMIN when
 * undeclared); PAT routes (`/v2/public/handles/...`) take a PAT, verified by hash with the
 * campaign-service (so a revocation applies to the very next request), and check the route's
 * @Scopes (no PAT when undeclared). A caller of another handle gets the same 404 as a handle
 * that does not exist, before any role or scope check, so nothing leaks.
 *
 * Unauthenticated load is cheap here (docs/auth.md, "Failed authentications"): a token that
 * cannot be valid is refused without I/O, a PAT refused recently is not looked up again, and every
 * failed authentication counts against the client address, which past the limit gets 429 and no
 * lookup at all.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(GATEWAY_ENV) private readonly env: Pick<GatewayEnv, 'JWT_SECRET'>,
    private readonly reflector: Reflector,
    private readonly rpc?: RpcClient,
    // Optional for unit tests only: Nest injects both (a missing provider fails the boot).
    private readonly failures?: AuthFailureLimiter,
    private readonly unknownPats?: NegativeTokenCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw ApiException.unauthorized('Missing bearer token in the Authorization header');
    try {
      request.principal = await this.authenticate(context, request, token);
      return true;
    } catch (e) {
      if (e instanceof ApiException && e.getStatus() === 401) await this.countFailure(request.ip);
      throw e;
    }
  }

  /** The verified principal, authorized for the route; throws the API error otherwise. */
  private async authenticate(context: ExecutionContext, request: FastifyRequest, token: string): Promise<AnyPrincipal> {
    const { handle } = (request.params ?? {}) as { handle?: string };
    const credential = credentialFor(request.routeOptions?.url, token);

    if (credential === 'pat') {
      if (!token.startsWith(PAT_PREFIX)) throw ApiException.unauthorized('This route takes a personal access token (fnl_pat_...)');
      if (handle !== undefined && !HANDLE_PATTERN.test(handle)) throw ApiException.notFound();
      const principal = await this.lookUpPat(token, handle ?? TOKEN_LOOKUP_HANDLE, request);
      if (handle !== undefined && handle !== principal.handle) throw ApiException.notFound();
      const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]) ?? [];
      if (!scopesAllow(principal.scopes, required)) {
        throw ApiException.forbidden(required.length ? `This action requires the scope ${required.join(', ')}` : 'This route does not accept personal access tokens');
      }
      return principal;
    }

    if (token.startsWith(PAT_PREFIX)) throw ApiException.unauthorized('Personal access tokens are accepted on /v2/public/... routes only');
    if (!isWellFormedJwt(token)) throw ApiException.unauthorized('Token is not a well-formed JWT');
    const verified = verifyToken(token, this.env.JWT_SECRET);
    if (!verified.ok) throw ApiException.unauthorized(verified.message);
    const principal = verified.principal;
    if (handle !== undefined && handle !== principal.handle) throw ApiException.notFound();
    const minimum = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE, [context.getHandler(), context.getClass()]) ?? 'ADMIN';
    if (!roleAtLeast(principal.role, minimum)) {
      throw ApiException.forbidden(`This action requires the ${minimum} role or above`);
    }
    return { ...principal, kind: 'jwt' };
  }

  /**
   * The PAT checks that cost nothing come first: its exact format, then this instance's memory of
   * recently refused tokens, then whether the address is over its limit; only then the lookup.
   */
  private async lookUpPat(token: string, addressHandle: string, request: FastifyRequest): Promise<PatPrincipal> {
    if (!isWellFormedPat(token)) throw invalidToken();
    if (this.unknownPats?.has(token)) throw invalidToken();
    if (this.failures) {
      const limit = await this.failures.check(request.ip);
      if (limit.limited) throw rateLimited(limit.retryAfterSeconds);
    }
    try {
      return await this.verifyPat(token, addressHandle, request.requestId);
    } catch (e) {
      // Only a refusal is remembered (unknown, revoked and expired are final); a timeout or an outage is not.
      if (e instanceof ApiException && e.errorCode === 'invalid_token') this.unknownPats?.add(token);
      throw e;
    }
  }

  /** Counts a failed authentication of the client address (request.ip, which follows TRUSTED_PROXIES); 429 past the limit. */
  private async countFailure(address: string): Promise<void> {
    if (!this.failures) return;
    const limit = await this.failures.recordFailure(address);
    if (limit.limited) throw rateLimited(limit.retryAfterSeconds);
  }

  private async verifyPat(token: string, routeHandle: string, requestId: string | undefined): Promise<PatPrincipal> {
    if (!this.rpc) throw ApiException.unauthorized('Personal access tokens are not accepted here');
    // The request is addressed by the route's handle (it must be a valid one); the reply names the token's own handle.
    const caller = { handle: routeHandle, requestId: requestId ?? '', actor: { sub: 'gateway', role: 'VIEWER' as const } };
    // Only the token's hash goes on the bus (and is all the campaign-service stores).
    const verified = await this.rpc.call(RPCS.tokenVerify, caller, {}, { tokenHash: hashPat(token) });
    return { kind: 'pat', sub: `pat:${verified.tokenId}`, handle: verified.handle, tokenId: verified.tokenId, scopes: verified.scopes, role: 'CREATOR' };
  }
}

/** The name existing controllers use; the one guard handles JWT and PAT routes alike. */
export const JwtAuthGuard = AuthGuard;
