import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '@funnel/contracts';
import type { AnyPrincipal } from '@funnel/auth';

/** Who asks, for which tenant, under which request id: what every RPC request carries besides params and body. */
export interface Caller {
  handle: string;
  requestId: string;
  actor: Actor;
}

export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const principal = request.principal;
  // Only reachable through a route that forgot AuthGuard: fail loudly rather than act anonymously.
  if (!principal) throw new Error('CurrentCaller used on a route without JwtAuthGuard');
  return { handle: principal.handle, requestId: request.requestId, actor: { sub: principal.sub, role: principal.role } };
});

/** The verified principal itself, for a handler whose answer depends on who asks (e.g. webhook URLs shown or not). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): AnyPrincipal => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without JwtAuthGuard');
  return principal;
});
