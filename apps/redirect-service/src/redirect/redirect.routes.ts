import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { clientAddressOf, parseTrustedProxies, ProxyTrust, type RedirectEnv } from '@funnel/config';
import { REDIRECT_ENV } from '../platform/tokens';
import { RedirectLink } from './use-cases/redirect-link';
import { readVisitorId, visitorCookie } from './visitor-cookie';

/** Longest query string the edge reads; anything longer is refused before any work. */
export const MAX_QUERY_LENGTH = 4096;

/** `/<handle>/<slug>` with an optional query: the short-link shape. Null for any other path. */
export function shortLinkPath(url: string): { handle: string; slug: string; query: string | null } | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const second = path.indexOf('/', 1);
  if (path.charCodeAt(0) !== 47 /* / */ || second <= 1 || second === path.length - 1 || path.indexOf('/', second + 1) !== -1) return null;
  return { handle: decodeSegment(path.slice(1, second)), slug: decodeSegment(path.slice(second + 1)), query: q === -1 ? null : url.slice(q + 1) };
}

/** A path segment percent-decoded (as routers do); kept as sent when it is not valid encoding. */
function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The first value of `name` in a query string, decoded like a form field ('+' is a space); undefined when absent. */
export function queryParam(query: string | null, name: string): string | undefined {
  if (query === null) return undefined;
  const key = `${name}=`;
  let at = 0;
  while (at <= query.length) {
    const end = query.indexOf('&', at);
    const stop = end === -1 ? query.length : end;
    if (query.startsWith(key, at)) {
      const raw = query.slice(at + key.length, stop).replace(/\+/g, ' ');
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
    if (end === -1) return undefined;
    at = end + 1;
  }
  return undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The client's address under TRUSTED_PROXIES (the same rule as the services' Fastify `request.ip`):
 * the peer, or what trusted proxies appended to X-Forwarded-For; "" when unknown.
 */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  return clientAddressOf(req.socket.remoteAddress, header(req.headers['x-forwarded-for']), trust);
}

/** Whether the visitor reached the edge over https: the last X-Forwarded-Proto entry, else the socket. */
function isHttps(req: IncomingMessage): boolean {
  const forwarded = header(req.headers['x-forwarded-proto']);
  if (forwarded) return forwarded.slice(forwarded.lastIndexOf(',') + 1).trim() === 'https';
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

function json(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/**
 * GET and HEAD /:handle/:slug, answered by a node:http request listener placed in front of
 * Fastify on the same server: every other request (health, docs, other methods and paths) goes
 * on to Fastify unchanged. The redirect is the one path whose cost is the product, and Fastify's
 * request and reply objects, hooks, router and query parser cost more than everything else this
 * route does on the request thread (see docs/redirect-service.md).
 */
@Injectable()
export class RedirectRoutes implements OnModuleInit {
  private readonly logger = new Logger('RedirectRoutes');
  private readonly countryHeader: string;
  private readonly proxyTrust: ProxyTrust;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly redirect: RedirectLink,
    @Inject(REDIRECT_ENV) env: RedirectEnv,
  ) {
    this.countryHeader = env.COUNTRY_HEADER.toLowerCase();
    this.proxyTrust = parseTrustedProxies(env.TRUSTED_PROXIES);
  }

  onModuleInit(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const framework = server.listeners('request') as RequestListener[];
    if (framework.length !== 1) throw new Error(`expected the HTTP framework's one request listener, found ${framework.length}`);
    const [next] = framework;
    server.removeListener('request', next);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if ((req.method === 'GET' || req.method === 'HEAD') && this.serve(req, res)) return;
      next(req, res);
    });
  }

  /** Answers a short-link request; false when the path is not one (Fastify takes it then). */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const link = shortLinkPath(url);
    if (!link) return false;
    try {
      this.answer(req, res, link.handle, link.slug, link.query);
    } catch (e) {
      this.logger.error(`redirect ${url}: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) json(res, 500, { success: false, error: 'internal_error', message: 'The redirect failed.' });
      else res.destroy();
    }
    return true;
  }

  private answer(req: IncomingMessage, res: ServerResponse, handle: string, slug: string, query: string | null): void {
    if (query !== null && query.length > MAX_QUERY_LENGTH) {
      return json(res, 400, { success: false, error: 'query_too_long', message: `The query string exceeds ${MAX_QUERY_LENGTH} characters.` });
    }
    const headers = req.headers;
    const outcome = this.redirect.execute({
      handle,
      slug,
      method: req.method as string,
      userAgent: header(headers['user-agent']),
      referrer: header(headers.referer),
      utmSource: queryParam(query, 'utm_source'),
      countryHeader: header(headers[this.countryHeader]),
      visitorId: readVisitorId(header(headers.cookie)),
      ip: clientAddress(req, this.proxyTrust),
    });
    switch (outcome.kind) {
      case 'not_found':
        return json(res, 404, { success: false, error: 'link_not_found', message: `No link ${handle}/${slug}.` });
      case 'loading':
        return json(res, 503, { success: false, error: 'link_table_loading', message: 'Links are still loading; retry shortly.' }, { 'retry-after': '1' });
      case 'redirect': {
        // Never cached: every visit must reach the edge to be counted and to get a fresh click id.
        const out: Record<string, string> = { location: outcome.location, 'cache-control': 'private, no-store', 'content-length': '0' };
        if (outcome.newVisitorId) out['set-cookie'] = visitorCookie(outcome.newVisitorId, isHttps(req));
        res.writeHead(302, out);
        res.end();
      }
    }
  }
}
