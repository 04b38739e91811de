import { BlockList, isIP } from 'node:net';

/**
 * Which proxies in front of a service may say who the client is (X-Forwarded-For). One rule for
 * every HTTP service, from TRUSTED_PROXIES:
 * - empty (the default): none; the client is the socket's peer and X-Forwarded-For is ignored;
 * - a number N (1-16): the N hops nearest to the service are trusted proxies (the peer is hop 1);
 * - a comma-separated list of addresses and CIDRs (`10.0.0.0/8, 2001:db8::/32, 127.0.0.1`): a
 *   hop is trusted while its address is in the list.
 * The walk goes from the peer outward through X-Forwarded-For (right to left) and stops at the
 * first untrusted hop, so addresses a client wrote itself at the left are never believed.
 */
export type ProxyTrust =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'list'; list: BlockList; text: string };

export const NO_PROXY_TRUST: ProxyTrust = Object.freeze({ kind: 'none' });

/** Longest X-Forwarded-For value read; a longer one is cut at the left (the trusted end is the right). */
export const MAX_FORWARDED_LENGTH = 1024;
/** Longest single address accepted (an IPv6 address with a zone index fits). */
export const MAX_ADDRESS_LENGTH = 64;
const MAX_HOPS = 16;

/** Parses TRUSTED_PROXIES; throws with the offending entry named when it is not one of the forms above. */
export function parseTrustedProxies(value: string): ProxyTrust {
  const text = value.trim();
  if (text === '') return NO_PROXY_TRUST;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > MAX_HOPS) throw new Error(`TRUSTED_PROXIES hop count must be 1-${MAX_HOPS}, got ${text}`);
    return { kind: 'hops', hops };
  }
  const list = new BlockList();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    const slash = entry.indexOf('/');
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const family = isIP(address);
    if (family === 0) throw new Error(`TRUSTED_PROXIES entry "${entry}" is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) {
      list.addAddress(address, type);
      continue;
    }
    const bitsText = entry.slice(slash + 1);
    const bits = Number(bitsText);
    if (!/^\d{1,3}$/.test(bitsText) || bits > (family === 4 ? 32 : 128)) throw new Error(`TRUSTED_PROXIES entry "${entry}" has a bad prefix length`);
    list.addSubnet(address, bits, type);
  }
  return { kind: 'list', list, text };
}

/** `::ffff:1.2.3.4` (how a dual-stack socket reports IPv4 peers) as `1.2.3.4`; "" when not an IP address. */
export function normalizeAddress(address: string | undefined): string {
  if (address === undefined || address.length === 0 || address.length > MAX_ADDRESS_LENGTH) return '';
  const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return isIP(a) === 0 ? '' : a;
}

function trusted(trust: ProxyTrust, address: string, hop: number): boolean {
  if (trust.kind === 'hops') return hop < trust.hops;
  if (trust.kind === 'list') return trust.list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
  return false;
}

/**
 * The client's address: the peer, or, while the hop at hand is a trusted proxy, the address that
 * proxy appended to X-Forwarded-For. An entry that is not a valid address ends the walk (the last
 * valid hop is the answer). "" when even the peer is unknown.
 */
export function clientAddressOf(peer: string | undefined, forwardedFor: string | undefined, trust: ProxyTrust): string {
  // The socket's own address is always an IP (no validation on the redirect's hot path); only
  // the IPv4-mapped form is unwrapped.
  let client = peer === undefined ? '' : peer.startsWith('::ffff:') && peer.includes('.') ? peer.slice(7) : peer;
  if (trust.kind === 'none' || !forwardedFor || client === '') return client;
  // Cut at the left, from the first whole entry on: the trusted end of the list is the right.
  const header = forwardedFor.length > MAX_FORWARDED_LENGTH ? forwardedFor.slice(forwardedFor.indexOf(',', forwardedFor.length - MAX_FORWARDED_LENGTH) + 1) : forwardedFor;
  let end = header.length;
  for (let hop = 0; trusted(trust, client, hop); hop++) {
    if (end <= 0) break;
    const comma = header.lastIndexOf(',', end - 1);
    const next = normalizeAddress(header.slice(comma + 1, end).trim());
    if (next === '') break;
    client = next;
    end = comma;
  }
  return client;
}

/** The same rule as Fastify's `trustProxy` function (proxy-addr calls it per hop, peer first). */
export function fastifyTrustProxy(trust: ProxyTrust): ((address: string, hop: number) => boolean) | false {
  if (trust.kind === 'none') return false;
  return (address, hop) => trusted(trust, normalizeAddress(address), hop);
}
