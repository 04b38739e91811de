/** z for a two-sided 95% interval. */
const Z = 1.959963984540054;

/**
 * How much the conversion rate can be trusted, 0..100 (docs/analytics.md):
 * take the Wilson score 95% interval [lo, hi] of p = conversions / qualifiedClicks and report
 * round(100 * max(0, 1 - (hi - lo) / (2p))), i.e. 100 minus the interval's half-width as a
 * percentage of the rate itself. 0 when there is no qualified click or no conversion (no rate to
 * trust). More conversions make the interval narrower relative to p, so confidence grows with them.
 * p is capped at 1: conversions can outnumber qualified clicks (attributed to bot clicks, or
 * several conversions per click).
 */
export function funnelConfidence(qualifiedClicks: number, conversions: number): number {
  if (!(qualifiedClicks > 0) || !(conversions > 0)) return 0;
  const n = qualifiedClicks;
  const p = Math.min(1, conversions / n);
  const z2 = Z * Z;
  const halfWidth = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return Math.round(100 * Math.min(1, Math.max(0, 1 - halfWidth / p)));
}

/** The Wilson score interval itself, for the documentation and tests. */
export function wilsonInterval(successes: number, trials: number): { lo: number; hi: number } {
  const p = Math.min(1, successes / trials);
  const z2 = Z * Z;
  const center = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (Z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { lo: center - half, hi: center + half };
}
