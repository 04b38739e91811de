import { truncate } from './truncate';

export const MAX_SOURCE = 256;

/** What a click's source is when it has no utm_source: the kind of place its referrer is. */
export type ReferrerClass = 'search' | 'social' | 'email' | 'direct' | 'referral';

// Hosts are matched on whole labels from the right: "news.google.de" is google, "notgoogle.com" is not.
const EMAIL = /(^|\.)(mail\.google\.com|outlook\.live\.com|outlook\.office\.com|outlook\.office365\.com|mail\.yahoo\.com|mail\.proton\.me|app\.fastmail\.com|mail\.aol\.com|mail\.yandex\.[a-z]+|mail\.ru|gmx\.[a-z]+|web\.de)$|^(webmail|mail|email)\./;
const SEARCH =
  /(^|\.)(google\.[a-z]{2,3}(\.[a-z]{2})?|bing\.com|duckduckgo\.com|search\.yahoo\.com|yahoo\.co\.jp|baidu\.com|yandex\.[a-z]{2,3}|ya\.ru|ecosia\.org|search\.brave\.com|startpage\.com|qwant\.com|naver\.com|seznam\.cz|ask\.com|sogou\.com)$/;
const SOCIAL =
  /(^|\.)(facebook\.com|fb\.com|fb\.me|instagram\.com|t\.co|twitter\.com|x\.com|linkedin\.com|lnkd\.in|reddit\.com|pinterest\.[a-z.]+|pin\.it|tiktok\.com|youtube\.com|youtu\.be|snapchat\.com|threads\.net|bsky\.app|vk\.com|tumblr\.com|quora\.com|whatsapp\.com|t\.me|telegram\.org|discord\.com|messenger\.com|weibo\.com|line\.me)$/;

/** Classifies a referrer URL; anything that is not an absolute http(s) URL counts as no referrer. */
export function classifyReferrer(referrer: string): ReferrerClass {
  const host = referrerHost(referrer);
  if (host === null) return 'direct';
  if (EMAIL.test(host)) return 'email';
  if (SEARCH.test(host)) return 'search';
  if (SOCIAL.test(host)) return 'social';
  return 'referral';
}

/** utm_source (trimmed, lowercased) when given, else the class of the referrer. */
export function classifySource(utmSource: string | undefined, referrer: string): string {
  const utm = utmSource?.trim().toLowerCase();
  if (utm) return truncate(utm, MAX_SOURCE);
  return classifyReferrer(referrer);
}

function referrerHost(referrer: string): string | null {
  if (!/^https?:\/\//i.test(referrer)) return null;
  try {
    return new URL(referrer).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}
