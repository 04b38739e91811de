import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { GatewayEnv } from '@funnel/config';
import type { Role } from '@funnel/contracts';
import { roleAtLeast, verifyToken } from '@funnel/auth';
import { ApiException } from '../http/api.exception';
import { GATEWAY_ENV } from '../gateway.options';
import { MIN_ROLE } from './min-role.decorator';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Authenticates `Authorization: Bearer <jwt>` and authorizes it for the route's `{handle}`:
 * a token for another handle gets the same 404 as a handle that does not exist, so nothing
 * about other tenants leaks; a known caller below the route's role gets 403.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    @Inject(GATEWAY_ENV) private readonly env: Pick<GatewayEnv, 'JWT_SECRET'>,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw ApiException.unauthorized('Missing bearer token in the Authorization header');

    const verified = verifyToken(token, this.env.JWT_SECRET);
    if (!verified.ok) throw ApiException.unauthorized(verified.message);
    const principal = verified.principal;

    const { handle } = request.params as { handle?: string };
    if (handle !== principal.handle) throw ApiException.notFound();

    const minimum = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE, [context.getHandler(), context.getClass()]) ?? 'ADMIN';
    if (!roleAtLeast(principal.role, minimum)) {
      throw ApiException.forbidden(`This action requires the ${minimum} role or above`);
    }
    request.principal = principal;
    return true;
  }
}
