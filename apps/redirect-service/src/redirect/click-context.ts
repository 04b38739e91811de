import UAParser from 'ua-parser-js';
import type { DeviceClass } from '@funnel/contracts';

/** Field limits of ClickRecordedV1. */
export const MAX_USER_AGENT = 1024;
export const MAX_REFERRER = 2048;
export const MAX_SOURCE = 256;

/** What the request tells us about the visitor, before any classification. */
export interface ClickContextInput {
  method: string;
  userAgent: string | undefined;
  referrer: string | undefined;
  /** The short-link request's utm_source query parameter, if any. */
  utmSource: string | undefined;
  /** Value of the trusted country header, if any. */
  countryHeader: string | undefined;
}

export interface ClickContext {
  userAgent: string;
  referrer: string;
  source: string;
  country: string;
  device: DeviceClass;
  isBot: boolean;
  botReason: string | null;
}

export type BotReason = 'empty_user_agent' | 'head_request' | 'crawler_user_agent';

const CRAWLER = /bot|crawler|spider|slurp|facebookexternalhit|slackbot|twitterbot|linkedinbot|whatsapp|preview/i;

/** Cuts to at most `max` UTF-16 units without leaving half of a surrogate pair behind. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** A first, simple bot verdict: the reason, or null for a presumed human. */
export function detectBot(method: string, userAgent: string): BotReason | null {
  if (userAgent.trim() === '') return 'empty_user_agent';
  if (method === 'HEAD') return 'head_request';
  if (CRAWLER.test(userAgent)) return 'crawler_user_agent';
  return null;
}

// Parsing a user agent costs tens of microseconds and the same few strings repeat endlessly,
// so verdicts are cached. Insertion-ordered eviction is enough for a cache this size.
const DEVICE_CACHE_MAX = 5000;
const deviceCache = new Map<string, DeviceClass>();

/** Device class of a (non-crawler) user agent, per ua-parser-js. */
export function classifyDevice(userAgent: string): DeviceClass {
  if (userAgent === '') return 'other';
  const cached = deviceCache.get(userAgent);
  if (cached) return cached;
  const device = parseDevice(userAgent);
  if (deviceCache.size >= DEVICE_CACHE_MAX) deviceCache.delete(deviceCache.keys().next().value as string);
  deviceCache.set(userAgent, device);
  return device;
}

function parseDevice(userAgent: string): DeviceClass {
  const result = new UAParser(userAgent).getResult();
  const type = result.device.type;
  if (type === 'mobile' || type === 'tablet') return type;
  // ua-parser-js names no type for desktops: a recognised browser or OS without one is a desktop.
  if (type === undefined && (result.browser.name !== undefined || result.os.name !== undefined)) return 'desktop';
  return 'other';
}

/** utm_source (lowercased) when given, else the referrer's host without "www.", else "direct". */
export function classifySource(utmSource: string | undefined, referrer: string): string {
  const utm = utmSource?.trim().toLowerCase();
  if (utm) return truncate(utm, MAX_SOURCE);
  const host = referrerHost(referrer);
  return host ? truncate(host, MAX_SOURCE) : 'direct';
}

function referrerHost(referrer: string): string | null {
  if (!/^https?:\/\//i.test(referrer)) return null;
  try {
    const host = new URL(referrer).hostname.toLowerCase();
    return host.startsWith('www.') ? host.slice(4) : host || null;
  } catch {
    return null;
  }
}

/**
 * ISO 3166-1 alpha-2 from the trusted header, uppercased; "" when absent, malformed, or one of
 * the CDN's "unknown" (XX) / "Tor" (T1) markers.
 */
export function normalizeCountry(header: string | undefined): string {
  if (header === undefined) return '';
  const code = header.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || code === 'XX') return '';
  return code;
}

export function buildClickContext(input: ClickContextInput): ClickContext {
  const userAgent = truncate(input.userAgent ?? '', MAX_USER_AGENT);
  const referrer = truncate(input.referrer ?? '', MAX_REFERRER);
  const botReason = detectBot(input.method, userAgent);
  const device: DeviceClass = botReason === 'crawler_user_agent' ? 'bot' : classifyDevice(userAgent.trim());
  return {
    userAgent,
    referrer,
    source: classifySource(input.utmSource, referrer),
    country: normalizeCountry(input.countryHeader),
    device,
    isBot: botReason !== null,
    botReason,
  };
}
