import type { IncomingMessage } from 'node:http';
import { NO_PROXY_TRUST, parseTrustedProxies } from '@funnel/config';
import { clientAddress, queryParam, shortLinkPath } from './redirect.routes';

describe('shortLinkPath', () => {
  it('takes /<handle>/<slug> with or without a query', () => {
    expect(shortLinkPath('/acme/spring')).toEqual({ handle: 'acme', slug: 'spring', query: null });
    expect(shortLinkPath('/acme/spring?utm_source=x&b=2')).toEqual({ handle: 'acme', slug: 'spring', query: 'utm_source=x&b=2' });
    expect(shortLinkPath('/acme/spring?')).toEqual({ handle: 'acme', slug: 'spring', query: '' });
  });

  it('percent-decodes the segments like a router, keeping invalid encodings as sent', () => {
    expect(shortLinkPath('/%61cme/spr%69ng')).toEqual({ handle: 'acme', slug: 'spring', query: null });
    expect(shortLinkPath('/acme/%E0%A4%A')).toEqual({ handle: 'acme', slug: '%E0%A4%A', query: null });
  });

  it.each(['/', '/health', '/acme/', '//spring', '/acme/spring/', '/a/b/c', 'acme/spring', '/acme?x=/a/b', '*'])('is null for %s (left to Fastify)', (url) => {
    expect(shortLinkPath(url)).toBeNull();
  });
});

describe('queryParam', () => {
  it('finds the first value, decoded like a form field', () => {
    expect(queryParam('utm_source=News%20letter&x=1', 'utm_source')).toBe('News letter');
    expect(queryParam('a=1&utm_source=a+b&utm_source=c', 'utm_source')).toBe('a b');
    expect(queryParam('utm_source=', 'utm_source')).toBe('');
    expect(queryParam('utm_source=%E0%A4%A', 'utm_source')).toBe('%E0%A4%A');
  });

  it('is undefined when absent, including look-alike keys', () => {
    expect(queryParam(null, 'utm_source')).toBeUndefined();
    expect(queryParam('', 'utm_source')).toBeUndefined();
    expect(queryParam('xutm_source=1&utm_sourcex=2&utm_source', 'utm_source')).toBeUndefined();
  });
});

describe('clientAddress', () => {
  const req = (headers: Record<string, string>, remoteAddress = '10.0.0.1') => ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(req({ 'x-forwarded-for': '203.0.113.9, 10.1.1.1' }), NO_PROXY_TRUST)).toBe('10.0.0.1');
    expect(clientAddress(req({}, '::ffff:192.0.2.7'), NO_PROXY_TRUST)).toBe('192.0.2.7');
  });

  it('takes what the trusted hop appended, never the addresses a client wrote at the left', () => {
    const oneHop = parseTrustedProxies('1');
    expect(clientAddress(req({ 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }), oneHop)).toBe('203.0.113.9');
    expect(clientAddress(req({ 'x-forwarded-for': ' 2001:db8::1 ' }), oneHop)).toBe('2001:db8::1');
    expect(clientAddress(req({ 'x-forwarded-for': '' }), oneHop)).toBe('10.0.0.1');
    expect(clientAddress(req({}), oneHop)).toBe('10.0.0.1');
    const cidrs = parseTrustedProxies('10.0.0.0/8');
    expect(clientAddress(req({ 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.9.9.9' }), cidrs)).toBe('203.0.113.9');
  });
});
