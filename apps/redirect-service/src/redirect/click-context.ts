import UAParser from 'ua-parser-js';
import type { DeviceClass } from '@funnel/contracts';
import { BotReason, detectBot, isAutomatedAgent } from './bot-detection';
import { countryOfIp } from './geo-ip';
import { classifySource, MAX_SOURCE } from './source';
import { truncate } from './truncate';

export { MAX_SOURCE, truncate };

/** Field limits of ClickRecordedV1. */
export const MAX_USER_AGENT = 1024;
export const MAX_REFERRER = 2048;

/** What the request tells us about the visitor, before any classification. */
export interface ClickContextInput {
  method: string;
  userAgent: string | undefined;
  referrer: string | undefined;
  /** The short-link request's utm_source query parameter, if any. */
  utmSource: string | undefined;
  /** Value of the trusted country header, if any. */
  countryHeader: string | undefined;
  /** The client's address: GeoIP when the country header says nothing, and the click-rate window. */
  ip?: string;
}

export interface ClickContext {
  userAgent: string;
  referrer: string;
  source: string;
  country: string;
  device: DeviceClass;
  isBot: boolean;
  botReason: BotReason | null;
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

/**
 * ISO 3166-1 alpha-2 from the trusted header, uppercased; "" when absent, malformed, or one of
 * the CDN's "unknown" (XX) / "Tor" (T1) markers.
 */
export function normalizeCountry(header: string | undefined): string {
  if (header === undefined) return '';
  const code = header.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || code === 'XX' || code === 'T1') return '';
  return code;
}

/**
 * Everything recorded about a click besides its ids. `rateExceeded` is the verdict of the
 * per-address click-rate window, taken by the caller (which owns the window). The country comes
 * from the trusted header, else from the offline GeoIP database by the client address.
 */
export function buildClickContext(input: ClickContextInput, rateExceeded = false): ClickContext {
  const userAgent = truncate(input.userAgent ?? '', MAX_USER_AGENT);
  const referrer = truncate(input.referrer ?? '', MAX_REFERRER);
  const botReason = detectBot(input.method, userAgent, rateExceeded);
  const device: DeviceClass = isAutomatedAgent(botReason) ? 'bot' : classifyDevice(userAgent.trim());
  return {
    userAgent,
    referrer,
    source: classifySource(input.utmSource, referrer),
    country: normalizeCountry(input.countryHeader) || countryOfIp(input.ip),
    device,
    isBot: botReason !== null,
    botReason,
  };
}
