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
  /** Browser family and operating system as ua-parser-js names them; "" when it does not know. */
  browser: string;
  os: string;
  isBot: boolean;
  botReason: BotReason | null;
}

/** What a user agent says about the device, per ua-parser-js. */
export interface AgentTraits {
  /** The device class of a person's browser ("bot" is decided by bot scoring, not here). */
  device: DeviceClass;
  browser: string;
  os: string;
}

// Parsing a user agent costs tens of microseconds and the same few strings repeat endlessly,
// so verdicts are cached. Insertion-ordered eviction is enough for a cache this size.
const AGENT_CACHE_MAX = 5000;
const agentCache = new Map<string, AgentTraits>();
const UNKNOWN_AGENT: AgentTraits = Object.freeze({ device: 'other', browser: '', os: '' });

/** Device class, browser and OS of a user agent, per ua-parser-js. */
export function parseAgent(userAgent: string): AgentTraits {
  if (userAgent === '') return UNKNOWN_AGENT;
  const cached = agentCache.get(userAgent);
  if (cached) return cached;
  const traits = uncachedTraits(userAgent);
  if (agentCache.size >= AGENT_CACHE_MAX) agentCache.delete(agentCache.keys().next().value as string);
  agentCache.set(userAgent, traits);
  return traits;
}

function uncachedTraits(userAgent: string): AgentTraits {
  const result = new UAParser(userAgent).getResult();
  const type = result.device.type;
  const browser = truncate(result.browser.name ?? '', MAX_AGENT_NAME);
  const os = truncate(result.os.name ?? '', MAX_AGENT_NAME);
  let device: DeviceClass = 'other';
  if (type === 'mobile' || type === 'tablet') device = type;
  // ua-parser-js names no type for desktops: a recognised browser or OS without one is a desktop.
  else if (type === undefined && (browser !== '' || os !== '')) device = 'desktop';
  return Object.freeze({ device, browser, os });
}

/** Field limit of ClickRecordedV1's browser and os. */
const MAX_AGENT_NAME = 64;

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
  const agent = parseAgent(userAgent.trim());
  return {
    userAgent,
    referrer,
    source: classifySource(input.utmSource, referrer),
    country: normalizeCountry(input.countryHeader) || countryOfIp(input.ip),
    device: isAutomatedAgent(botReason) ? 'bot' : agent.device,
    browser: agent.browser,
    os: agent.os,
    isBot: botReason !== null,
    botReason,
  };
}
