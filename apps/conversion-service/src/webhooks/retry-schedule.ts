/**
 * Webhook retry policy: exponential backoff 1 s, 2 s, 4 s, ... capped at 1 h, plus up to 10 %
 * jitter so receivers that failed together are not retried in lockstep; at most 10 attempts.
 */
export const MAX_ATTEMPTS = 10;
export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 60 * 60 * 1000;
const JITTER = 0.1;

/** Delay before the next attempt, after `attemptsMade` failed attempts (1 = the first failed). */
export function retryDelayMs(attemptsMade: number, random: () => number = Math.random): number {
  const base = Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attemptsMade - 1), MAX_DELAY_MS);
  return Math.min(Math.round(base * (1 + JITTER * random())), MAX_DELAY_MS);
}

export interface AttemptResult {
  /** null when no HTTP response came back (network error, timeout, refused address). */
  statusCode: number | null;
  error: string | null;
}

export type AttemptClass = 'delivered' | 'retryable' | 'permanent';

/**
 * 2xx is delivered. No response, 5xx, 408 and 429 are worth retrying. Other answers (3xx, which is
 * never followed, and 4xx) say the request itself is refused, so retrying would not help.
 */
export function classifyAttempt(result: AttemptResult): AttemptClass {
  const code = result.statusCode;
  if (code === null) return 'retryable';
  if (code >= 200 && code < 300) return 'delivered';
  if (code >= 500 || code === 408 || code === 429) return 'retryable';
  return 'permanent';
}

export type NextStep = { status: 'delivered' } | { status: 'failed' } | { status: 'pending'; delayMs: number };

export function nextStep(attemptsMade: number, result: AttemptResult, random: () => number = Math.random): NextStep {
  const kind = classifyAttempt(result);
  if (kind === 'delivered') return { status: 'delivered' };
  if (kind === 'permanent' || attemptsMade >= MAX_ATTEMPTS) return { status: 'failed' };
  return { status: 'pending', delayMs: retryDelayMs(attemptsMade, random) };
}
