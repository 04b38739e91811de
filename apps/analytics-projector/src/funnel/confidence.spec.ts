import { funnelConfidence, wilsonInterval } from './confidence';

describe('funnelConfidence', () => {
  it('is 0 without qualified clicks or without conversions', () => {
    expect(funnelConfidence(0, 0)).toBe(0);
    expect(funnelConfidence(0, 5)).toBe(0);
    expect(funnelConfidence(1200, 0)).toBe(0);
    expect(funnelConfidence(-1, 3)).toBe(0);
    expect(funnelConfidence(NaN, 3)).toBe(0);
  });

  it('follows the documented formula on known figures', () => {
    // 47 conversions out of 1200 qualified clicks: Wilson [0.02955, 0.05167], p = 0.03917.
    const { lo, hi } = wilsonInterval(47, 1200);
    expect(lo).toBeCloseTo(0.02955, 4);
    expect(hi).toBeCloseTo(0.05167, 4);
    const p = 47 / 1200;
    expect(funnelConfidence(1200, 47)).toBe(Math.round(100 * (1 - (hi - lo) / (2 * p))));
    expect(funnelConfidence(1200, 47)).toBe(72);
    expect(funnelConfidence(24, 1)).toBe(0); // interval wider than the rate itself: clamped
    expect(funnelConfidence(10, 10)).toBe(86); // p capped at 1
  });

  it('grows with the number of conversions at the same rate', () => {
    const figures = [
      [100, 4],
      [1000, 40],
      [10000, 400],
      [100000, 4000],
    ].map(([n, c]) => funnelConfidence(n, c));
    for (let i = 1; i < figures.length; i++) expect(figures[i]).toBeGreaterThan(figures[i - 1]);
    expect(figures[3]).toBeGreaterThanOrEqual(95);
  });

  it('stays within 0..100 and treats more conversions than clicks as p = 1', () => {
    expect(funnelConfidence(3, 7)).toBe(funnelConfidence(3, 3));
    for (const [n, c] of [[1, 1], [2, 1], [5, 100], [1e9, 1], [1e9, 1e9]]) {
      const value = funnelConfidence(n, c);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100);
      expect(Number.isInteger(value)).toBe(true);
    }
  });
});
