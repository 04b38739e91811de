import { isbot } from 'isbot';

/**
 * Why a click is counted as a bot (ClickRecordedV1.botReason), checked in this order; the first
 * that applies is the reason.
 * - empty_user_agent: no User-Agent at all; browsers always send one.
 * - head_request: HEAD fetches headers only; people's browsers follow links with GET.
 * - link_preview: a chat or social app unfurling the link (Slackbot, Twitterbot, ...): the
 *   link was shared, not clicked. Kept apart from crawlers because marketers read it differently.
 * - crawler_user_agent: the maintained crawler list of the `isbot` package.
 * - click_rate: an address clicking faster than any person would (see ClickRateWindow).
 */
export type BotReason = 'empty_user_agent' | 'head_request' | 'link_preview' | 'crawler_user_agent' | 'click_rate';

/** Link-preview fetchers of chat and social apps, by the product token of their user agent. */
const LINK_PREVIEW =
  /slackbot|slack-imgproxy|twitterbot|facebookexternalhit|facebookcatalog|facebot|linkedinbot|whatsapp|discordbot|telegrambot|skypeuripreview|microsoft preview|redditbot|pinterestbot|vkshare|viber|mastodon|bluesky|cardyb|kakaotalk-scrap|iframely|embedly|google-pagerenderer|snapchat|line\/|signal/i;

export type AgentVerdict = 'link_preview' | 'crawler_user_agent' | null;

// Both patterns are long and the same few user agents repeat endlessly, so verdicts are cached.
// Insertion-ordered eviction is enough for a cache this size.
const CACHE_MAX = 5000;
const agentCache = new Map<string, AgentVerdict>();

/** What the user agent itself says: a link-preview fetcher, a crawler, or neither. */
export function classifyAgent(userAgent: string): AgentVerdict {
  const cached = agentCache.get(userAgent);
  if (cached !== undefined) return cached;
  const verdict: AgentVerdict = LINK_PREVIEW.test(userAgent) ? 'link_preview' : isbot(userAgent) ? 'crawler_user_agent' : null;
  if (agentCache.size >= CACHE_MAX) agentCache.delete(agentCache.keys().next().value as string);
  agentCache.set(userAgent, verdict);
  return verdict;
}

/** The bot verdict of one click: its reason, or null for a presumed human. */
export function detectBot(method: string, userAgent: string, rateExceeded: boolean): BotReason | null {
  if (userAgent.trim() === '') return 'empty_user_agent';
  if (method === 'HEAD') return 'head_request';
  const agent = classifyAgent(userAgent);
  if (agent !== null) return agent;
  if (rateExceeded) return 'click_rate';
  return null;
}

/** Reasons that name the agent itself as a machine (its device class is then `bot`). */
export function isAutomatedAgent(reason: BotReason | null): boolean {
  return reason === 'link_preview' || reason === 'crawler_user_agent';
}
