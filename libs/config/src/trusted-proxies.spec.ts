import { clientAddressOf, fastifyTrustProxy, MAX_FORWARDED_LENGTH, normalizeAddress, NO_PROXY_TRUST, parseTrustedProxies } from './trusted-proxies';
import { loadConfig } from './load-config';
import { CommonEnv } from './env';

describe('parseTrustedProxies', () => {
  it('reads none, a hop count, or a list of addresses and CIDRs', () => {
    expect(parseTrustedProxies('')).toBe(NO_PROXY_TRUST);
    expect(parseTrustedProxies(' 2 ')).toEqual({ kind: 'hops', hops: 2 });
    const list = parseTrustedProxies('10.0.0.0/8, 2001:db8::/32,127.0.0.1');
    expect(list.kind).toBe('list');
    if (list.kind !== 'list') return;
    expect(list.list.check('10.200.1.1', 'ipv4')).toBe(true);
    expect(list.list.check('2001:db8::5', 'ipv6')).toBe(true);
    expect(list.list.check('127.0.0.1', 'ipv4')).toBe(true);
    expect(list.list.check('127.0.0.2', 'ipv4')).toBe(false);
  });

  it.each(['0', '17', 'proxy.example.com', '10.0.0.0/33', '::/129', '10.0.0.0/x', '1.2.3.4,,5.6.7.8'])('refuses %p', (value) => {
    expect(() => parseTrustedProxies(value)).toThrow(/TRUSTED_PROXIES/);
  });

  it('is validated at boot like every other variable', () => {
    expect(() => loadConfig(CommonEnv, { TRUSTED_PROXIES: 'everyone' })).toThrow(/TRUSTED_PROXIES/);
    expect(loadConfig(CommonEnv, { TRUSTED_PROXIES: '1' }).TRUSTED_PROXIES).toBe('1');
  });
});

describe('clientAddressOf', () => {
  const peer = '10.0.0.1';

  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddressOf(peer, '203.0.113.9', NO_PROXY_TRUST)).toBe(peer);
  });

  it('with N trusted hops takes the address the N-th hop appended', () => {
    const xff = '198.51.100.66, 203.0.113.9, 10.0.0.7';
    expect(clientAddressOf(peer, xff, parseTrustedProxies('1'))).toBe('10.0.0.7');
    expect(clientAddressOf(peer, xff, parseTrustedProxies('2'))).toBe('203.0.113.9');
    // More hops trusted than there are: the leftmost address is all there is.
    expect(clientAddressOf(peer, xff, parseTrustedProxies('9'))).toBe('198.51.100.66');
  });

  it('with a list walks right to left while the hop is a trusted proxy', () => {
    const trust = parseTrustedProxies('10.0.0.0/8');
    expect(clientAddressOf(peer, '198.51.100.66, 203.0.113.9, 10.0.0.7', trust)).toBe('203.0.113.9');
    // A peer that is not a trusted proxy is the client, whatever it forwards.
    expect(clientAddressOf('192.0.2.1', '203.0.113.9', trust)).toBe('192.0.2.1');
  });

  it('stops at an entry that is not an address (a rotated or forged value cannot become the client)', () => {
    const trust = parseTrustedProxies('2');
    expect(clientAddressOf(peer, 'not-an-ip, 203.0.113.9', trust)).toBe('203.0.113.9');
    expect(clientAddressOf(peer, '203.0.113.9, garbage', trust)).toBe(peer);
    expect(clientAddressOf(peer, `${'9'.repeat(100)}`, parseTrustedProxies('1'))).toBe(peer);
  });

  it('reads a bounded header: an oversized value is cut at the left, the trusted end kept', () => {
    const forged = Array.from({ length: 500 }, (_, i) => `198.51.${i % 256}.${i % 200}`).join(', ');
    const xff = `${forged}, 203.0.113.9`;
    expect(xff.length).toBeGreaterThan(MAX_FORWARDED_LENGTH);
    expect(clientAddressOf(peer, xff, parseTrustedProxies('1'))).toBe('203.0.113.9');
    const deep = clientAddressOf(peer, xff, parseTrustedProxies('16'));
    expect(deep.length).toBeLessThanOrEqual(15);
  });

  it('unwraps IPv4-mapped peers and refuses what is not an address', () => {
    expect(normalizeAddress('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8::1');
    expect(normalizeAddress('x'.repeat(65))).toBe('');
    expect(normalizeAddress(undefined)).toBe('');
  });
});

describe('fastifyTrustProxy', () => {
  it('applies the same rule per hop as proxy-addr asks it', () => {
    expect(fastifyTrustProxy(NO_PROXY_TRUST)).toBe(false);
    const hops = fastifyTrustProxy(parseTrustedProxies('1'));
    expect(hops && hops('10.0.0.1', 0)).toBe(true);
    expect(hops && hops('10.0.0.1', 1)).toBe(false);
    const list = fastifyTrustProxy(parseTrustedProxies('10.0.0.0/8'));
    expect(list && list('::ffff:10.1.2.3', 0)).toBe(true);
    expect(list && list('203.0.113.9', 0)).toBe(false);
  });
});
