import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { GatewayEnv } from '@funnel/config';
import { HANDLE_PATTERN, PAT_PREFIX, Role, RPCS } from '@funnel/contracts';
import { hashPat, PatPrincipal, roleAtLeast, scopesAllow, verifyToken } from '@funnel/auth';
import { ApiException } from '../platform/http/api.exception';
import { GATEWAY_ENV } from '../platform/gateway.options';
import { RpcClient } from '../platform/rpc/rpc.client';
import { MIN_ROLE } from './min-role.decorator';
import { REQUIRED_SCOPES } from './scopes.decorator';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Routes under this prefix are for automation with personal access tokens; all others take JWTs. */
export const PUBLIC_PREFIX = '/v2/public/';

export function isPublicRoute(url: string | undefined): boolean {
  return typeof url === 'string' && url.startsWith(PUBLIC_PREFIX);
}

/**
 * Authenticates `Authorization: Bearer <token>` and authorizes it for the route's `{handle}`.
 * JWT routes (`/v2/handles/...`) take a JWT and check the route's @MinRole (ADMIN when
 * undeclared); PAT routes (`/v2/public/handles/...`) take a PAT, verified by hash with the
 * campaign-service on every request (so a revocation applies to the very next request), and
 * check the route's @Scopes (no PAT when undeclared). A caller of another handle gets the same
 * 404 as a handle that does not exist, before any role or scope check, so nothing leaks.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(GATEWAY_ENV) private readonly env: Pick<GatewayEnv, 'JWT_SECRET'>,
    private readonly reflector: Reflector,
    private readonly rpc?: RpcClient,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw ApiException.unauthorized('Missing bearer token in the Authorization header');
    const { handle } = request.params as { handle?: string };

    if (isPublicRoute(request.url)) {
      if (!token.startsWith(PAT_PREFIX)) throw ApiException.unauthorized('This route takes a personal access token (fnl_pat_...)');
      if (!handle || !HANDLE_PATTERN.test(handle)) throw ApiException.notFound();
      const principal = await this.verifyPat(token, handle, request.requestId);
      if (handle !== principal.handle) throw ApiException.notFound();
      const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]) ?? [];
      if (!scopesAllow(principal.scopes, required)) {
        throw ApiException.forbidden(required.length ? `This action requires the scope ${required.join(', ')}` : 'This route does not accept personal access tokens');
      }
      request.principal = principal;
      return true;
    }

    if (token.startsWith(PAT_PREFIX)) throw ApiException.unauthorized('Personal access tokens are accepted on /v2/public/... routes only');
    const verified = verifyToken(token, this.env.JWT_SECRET);
    if (!verified.ok) throw ApiException.unauthorized(verified.message);
    const principal = verified.principal;
    if (handle !== principal.handle) throw ApiException.notFound();
    const minimum = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE, [context.getHandler(), context.getClass()]) ?? 'ADMIN';
    if (!roleAtLeast(principal.role, minimum)) {
      throw ApiException.forbidden(`This action requires the ${minimum} role or above`);
    }
    request.principal = { ...principal, kind: 'jwt' };
    return true;
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
