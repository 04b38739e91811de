import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Server-side request forgery guard for webhook URLs. An address is
 * - `forbidden` always: link-local (169.254.0.0/16 holds cloud metadata endpoints; fe80::/10),
 *   multicast, reserved and broadcast ranges;
 * - `private` unless WEBHOOK_ALLOW_PRIVATE: loopback, RFC 1918, carrier-grade NAT, unique local, unspecified;
 * - `public` otherwise.
 * IPv6 forms that embed an IPv4 address (mapped, NAT64 well-known and local-use, 6to4, Teredo) are
 * judged by that address (Teredo by both its server and its client address, the stricter wins).
 */
export type AddressClass = 'public' | 'private' | 'forbidden';

type V4Range = [base: number, prefix: number, cls: Exclude<AddressClass, 'public'>];

const V4_RANGES: V4Range[] = [
  [v4('169.254.0.0'), 16, 'forbidden'],
  [v4('224.0.0.0'), 4, 'forbidden'],
  [v4('240.0.0.0'), 4, 'forbidden'],
  [v4('0.0.0.0'), 8, 'private'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('100.64.0.0'), 10, 'private'],
  [v4('127.0.0.0'), 8, 'private'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.0.0.0'), 24, 'private'],
  [v4('192.168.0.0'), 16, 'private'],
  [v4('198.18.0.0'), 15, 'private'],
];

function v4(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inV4(value: number, base: number, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(value / size) === Math.floor(base / size);
}

function classifyV4(value: number): AddressClass {
  for (const [base, prefix, cls] of V4_RANGES) if (inV4(value, base, prefix)) return cls;
  return 'public';
}

/** Parses an IPv6 address (zone id ignored, trailing dotted IPv4 allowed) into 128 bits. */
export function parseIpv6(address: string): bigint | null {
  let text = address.split('%')[0].toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    if (isIP(dotted[1]) !== 4) return null;
    const n = v4(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

function inV6(value: bigint, base: bigint, prefix: number): boolean {
  const shift = BigInt(128 - prefix);
  return value >> shift === base >> shift;
}

const V6 = (a: string) => parseIpv6(a) as bigint;

const STRICTNESS: Record<AddressClass, number> = { public: 0, private: 1, forbidden: 2 };

function stricter(a: AddressClass, b: AddressClass): AddressClass {
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

function classifyV6(value: bigint): AddressClass {
  if (value === 0n || value === 1n) return 'private'; // :: and ::1
  // Mapped, IPv4-compatible, NAT64 well-known (64:ff9b::/96) and local-use (64:ff9b:1::/48, RFC 8215,
  // read as the /96 layout: the IPv4 address in the last 32 bits).
  if (inV6(value, V6('::ffff:0:0'), 96) || inV6(value, V6('64:ff9b::'), 96) || inV6(value, V6('64:ff9b:1::'), 48) || inV6(value, V6('::'), 96)) {
    return classifyV4(Number(value & 0xffffffffn));
  }
  if (inV6(value, V6('2002::'), 16)) return classifyV4(Number((value >> 80n) & 0xffffffffn));
  // Teredo (2001::/32): the server's IPv4 in bits 32-63, the client's in the last 32 bits, inverted.
  if (inV6(value, V6('2001::'), 32)) {
    return stricter(classifyV4(Number((value >> 64n) & 0xffffffffn)), classifyV4(Number(~value & 0xffffffffn)));
  }
  if (inV6(value, V6('fe80::'), 10) || inV6(value, V6('ff00::'), 8)) return 'forbidden';
  if (inV6(value, V6('fc00::'), 7) || inV6(value, V6('fec0::'), 10)) return 'private';
  return 'public';
}

/** Classifies an IP literal; anything that is not one is forbidden. */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address.split('%')[0]);
  if (family === 4) return classifyV4(v4(address));
  if (family === 6) {
    const value = parseIpv6(address);
    return value === null ? 'forbidden' : classifyV6(value);
  }
  return 'forbidden';
}

export function isAddressAllowed(address: string, allowPrivate: boolean): boolean {
  const cls = classifyAddress(address);
  return cls === 'public' || (cls === 'private' && allowPrivate);
}

/** Resolves a host name to all its addresses (A and AAAA). */
export type HostResolver = (host: string) => Promise<string[]>;

export const dnsResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export type UrlCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a webhook URL at subscription time: every address its host resolves to must be allowed
 * (one bad address is enough to refuse, since the connection may pick any of them). Delivery
 * checks the resolved address again at connect time, because DNS can change after this check.
 */
export async function checkWebhookUrl(raw: string, options: { allowPrivate: boolean; resolve: HostResolver }): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'url is not a valid absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'url must use http or https' };
  if (url.username || url.password) return { ok: false, reason: 'url must not carry credentials' };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await options.resolve(host);
    } catch (e) {
      return { ok: false, reason: `host ${host} does not resolve (${(e as Error).message})` };
    }
    if (addresses.length === 0) return { ok: false, reason: `host ${host} does not resolve` };
  }
  for (const address of addresses) {
    const cls = classifyAddress(address);
    if (cls === 'forbidden') return { ok: false, reason: `host ${host} resolves to ${address}, a link-local or reserved address` };
    if (cls === 'private' && !options.allowPrivate) return { ok: false, reason: `host ${host} resolves to ${address}, a loopback or private address` };
  }
  return { ok: true };
}

/**
 * A receiver URL as logs may show it: scheme and host only. Paths and queries often carry the
 * receiver's own tokens, and logs are read by more people than the handle's webhook readers.
 */
export function originForLog(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(unparseable url)';
  }
}
