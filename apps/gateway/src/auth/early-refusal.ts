import type { FastifyInstance } from 'fastify';
import { errorEnvelope, toApiError } from '../platform/http/error-envelope.filter';
import { REQUEST_ID_HEADER } from '../platform/http/request-state';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { rateLimited } from './jwt-auth.guard';
import { tokenForm } from './token-format';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Route templates every one of which is behind AuthGuard. */
const GUARDED_PREFIX = '/v2/';

/**
 * Under a flood, most requests come from addresses this instance already knows are over the
 * failed-authentication limit. For those, a token that is not a JWT could only fail or be refused
 * a lookup, so the answer is the guard's own 429, given here in a Fastify hook before Nest's
 * pipeline spends anything on it. A JWT still goes to the guard (it is verified locally, and a
 * valid one passes); requests without a token and routes outside /v2 are untouched.
 */
export function refuseLimitedAddressesEarly(fastify: FastifyInstance, limiter: AuthFailureLimiter): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const template = request.routeOptions.url;
    const header = request.headers.authorization;
    if (!template?.startsWith(GUARDED_PREFIX) || typeof header !== 'string') return done();
    const limit = limiter.limitedNow(request.ip);
    if (!limit.limited) return done();
    const token = BEARER.exec(header)?.[1];
    if (!token || tokenForm(token) === 'jwt') return done();
    const error = toApiError(rateLimited(limit.retryAfterSeconds));
    void reply
      .status(error.status)
      .headers({ ...(error.headers ?? {}), [REQUEST_ID_HEADER]: request.requestId })
      .send(errorEnvelope(error, request.requestId));
  });
}
