import { NegativeTokenCache } from './negative-token-cache';

describe('NegativeTokenCache', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('remembers a refused token for the TTL, then forgets it', () => {
    const cache = new NegativeTokenCache(10, 30_000, now);
    cache.add('fnl_pat_unknown');
    expect(cache.has('fnl_pat_unknown')).toBe(true);
    expect(cache.has('fnl_pat_other')).toBe(false);
    clock += 29_999;
    expect(cache.has('fnl_pat_unknown')).toBe(true);
    clock += 1;
    expect(cache.has('fnl_pat_unknown')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, forgetting the oldest first', () => {
    const cache = new NegativeTokenCache(3, 30_000, now);
    for (const t of ['a', 'b', 'c', 'd', 'e']) {
      cache.add(t);
      clock += 1;
    }
    expect(cache.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((t) => cache.has(t))).toEqual([false, false, true, true, true]);
  });

  it('moves a token refused again to the newest place', () => {
    const cache = new NegativeTokenCache(2, 30_000, now);
    cache.add('a');
    cache.add('b');
    cache.add('a');
    cache.add('c');
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
  });

  it('stays bounded under a flood of distinct tokens', () => {
    const cache = new NegativeTokenCache(1000, 30_000, now);
    for (let i = 0; i < 50_000; i++) cache.add(`fnl_pat_${i}`);
    expect(cache.size).toBe(1000);
  });

  it('remembers nothing with a TTL of 0', () => {
    const cache = new NegativeTokenCache(10, 0, now);
    cache.add('a');
    expect(cache.has('a')).toBe(false);
  });
});
