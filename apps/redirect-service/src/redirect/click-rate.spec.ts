import { ClickRateWindow } from './click-rate';

describe('ClickRateWindow', () => {
  it('flags an address once it exceeds the limit within the window, and forgives it later', () => {
    const window = new ClickRateWindow({ maxClicks: 3, windowMs: 1000, maxAddresses: 10 });
    const verdicts = [0, 100, 200, 300, 400].map((t) => window.hit('a', t));
    expect(verdicts).toEqual([false, false, false, true, true]);
    expect(window.hit('b', 450)).toBe(false);
    // Two windows later nothing of the burst is left.
    expect(window.hit('a', 2500)).toBe(false);
  });

  it('slides: the previous window still counts in proportion to its overlap', () => {
    const window = new ClickRateWindow({ maxClicks: 4, windowMs: 1000, maxAddresses: 10 });
    for (const t of [900, 910, 920, 930]) window.hit('a', t);
    // At 1100, 90% of the previous window overlaps: 4 * 0.9 + 1 = 4.6 > 4.
    expect(window.hit('a', 1100)).toBe(true);
    // At 1900 only 10% overlaps: 4 * 0.1 + 2 = 2.4.
    expect(window.hit('a', 1900)).toBe(false);
  });

  it('remembers at most maxAddresses, forgetting the least recently active', () => {
    const window = new ClickRateWindow({ maxClicks: 1, windowMs: 1000, maxAddresses: 3 });
    for (let i = 0; i < 1000; i++) window.hit(`10.0.${i >> 8}.${i & 255}`, i);
    expect(window.trackedAddresses).toBe(3);
  });
});
