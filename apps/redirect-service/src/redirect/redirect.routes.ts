import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RedirectEnv } from '@funnel/config';
import { REDIRECT_ENV } from '../core/tokens';
import { RedirectLink } from './use-cases/redirect-link';
import { readVisitorId, visitorCookie } from './visitor-cookie';

/** Longest query string the edge reads; anything longer is refused before any work. */
export const MAX_QUERY_LENGTH = 4096;

type RedirectRequest = FastifyRequest<{ Params: { handle: string; slug: string }; Querystring: Record<string, unknown> }>;

function first(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * GET (and HEAD) /:handle/:slug, registered straight on Fastify: a Nest controller would add
 * interceptor and pipe machinery to the one path whose latency is the product.
 */
@Injectable()
export class RedirectRoutes implements OnModuleInit {
  private readonly countryHeader: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly redirect: RedirectLink,
    @Inject(REDIRECT_ENV) env: RedirectEnv,
  ) {
    this.countryHeader = env.COUNTRY_HEADER.toLowerCase();
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get('/:handle/:slug', (request: RedirectRequest, reply: FastifyReply) => this.handle(request, reply));
  }

  private handle(request: RedirectRequest, reply: FastifyReply): FastifyReply {
    const url = request.url;
    const q = url.indexOf('?');
    if (q !== -1 && url.length - q - 1 > MAX_QUERY_LENGTH) {
      return reply
        .code(400)
        .send({ success: false, error: 'query_too_long', message: `The query string exceeds ${MAX_QUERY_LENGTH} characters.` });
    }
    const { handle, slug } = request.params;
    const headers = request.headers;
    const outcome = this.redirect.execute({
      handle,
      slug,
      method: request.method,
      userAgent: header(headers['user-agent']),
      referrer: header(headers.referer),
      utmSource: q === -1 ? undefined : first(request.query.utm_source),
      countryHeader: header(headers[this.countryHeader]),
      visitorId: readVisitorId(headers.cookie),
      ip: request.ip,
    });
    switch (outcome.kind) {
      case 'not_found':
        return reply.code(404).send({ success: false, error: 'link_not_found', message: `No link ${handle}/${slug}.` });
      case 'loading':
        return reply
          .code(503)
          .header('retry-after', '1')
          .send({ success: false, error: 'link_table_loading', message: 'Links are still loading; retry shortly.' });
      case 'redirect':
        if (outcome.newVisitorId) reply.header('set-cookie', visitorCookie(outcome.newVisitorId, request.protocol === 'https'));
        // Never cached: every visit must reach the edge to be counted and to get a fresh click id.
        return reply.code(302).header('cache-control', 'private, no-store').header('location', outcome.location).send();
    }
  }
}
