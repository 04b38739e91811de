import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { AuthFailureLimiter } from '../../auth/auth-failure-limiter';
import { refuseLimitedAddressesEarly } from '../../auth/early-refusal';
import { setupOpenApi } from './openapi';
import { resolveRequestId } from './request-id';
import { REQUEST_ID_HEADER } from './request-state';

/**
 * Fastify-level wiring that must exist before any route runs, including unknown routes and
 * bodies that fail to parse: the request id (echoed or generated, returned on every response),
 * capture of parse errors for the error filter, one structured log line per request, and the
 * OpenAPI document (/docs, /docs/openapi.json).
 */
export function configureHttp(app: NestFastifyApplication): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const logger = new Logger('http');

  fastify.decorateRequest('requestId', '');
  fastify.decorateRequest('principal', null);
  fastify.decorateRequest('transportError', null);

  fastify.addHook('onRequest', (request, reply, done) => {
    request.requestId = resolveRequestId(request.headers[REQUEST_ID_HEADER]);
    void reply.header(REQUEST_ID_HEADER, request.requestId);
    done();
  });

  // After the request id: the early 429 carries one like every answer.
  refuseLimitedAddressesEarly(fastify, app.get(AuthFailureLimiter, { strict: false }));

  fastify.addHook('onError', (request, _reply, error, done) => {
    request.transportError = error;
    done();
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    logger.log({
      event: 'http_request',
      requestId: request.requestId,
      method: request.method,
      route: request.routeOptions.url ?? null,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      handle: request.principal?.handle ?? null,
    });
    done();
  });

  setupOpenApi(app);
}
