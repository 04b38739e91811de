import type { AnyPrincipal } from '@funnel/auth';

/** What the gateway attaches to each Fastify request as it passes through. */
declare module 'fastify' {
  interface FastifyRequest {
    /** Echoed from X-Request-ID when sane, else generated; set by the onRequest hook. */
    requestId: string;
    /** Set by AuthGuard once the bearer token (JWT or PAT) is verified. */
    principal: AnyPrincipal | null;
    /** The raw error Fastify raised before Nest saw it (e.g. a JSON parse error), kept for the error filter. */
    transportError: Error | null;
  }
}

export const REQUEST_ID_HEADER = 'x-request-id';
