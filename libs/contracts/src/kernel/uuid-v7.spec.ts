import type { uuidV7 as UuidV7 } from './uuid-v7';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('uuidV7', () => {
  // A fresh module per test: the generator remembers the last millisecond it issued.
  let uuidV7: typeof UuidV7;
  beforeEach(() => {
    jest.isolateModules(() => {
      ({ uuidV7 } = jest.requireActual<typeof import('./uuid-v7')>('./uuid-v7'));
    });
  });

  it('is a version 7, RFC 9562 variant UUID carrying the time in milliseconds', () => {
    const before = Date.now();
    const id = uuidV7();
    expect(id).toMatch(FORMAT);
    expect(millisOf(id)).toBeGreaterThanOrEqual(before);
    expect(millisOf(id)).toBeLessThanOrEqual(Date.now());
    const future = Date.UTC(2099, 0, 1);
    expect(millisOf(uuidV7(future))).toBe(future);
  });

  it('issues unique, strictly increasing ids, also many within one millisecond and across pool refills', () => {
    const ms = Date.now() + 60_000;
    const ids = Array.from({ length: 5000 }, () => uuidV7(ms));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    for (const id of ids) expect(id).toMatch(FORMAT);
    // 5000 ids in one millisecond overflow the 12-bit counter: the timestamp is carried forward.
    expect(millisOf(ids[ids.length - 1])).toBeGreaterThan(ms);
  });

  it('never goes backwards when the clock does', () => {
    const later = uuidV7(Date.now() + 120_000);
    const earlier = uuidV7(Date.now());
    expect(earlier > later).toBe(true);
  });

  it('spreads its random bits (no byte of the random part is constant)', () => {
    const ids = Array.from({ length: 200 }, () => uuidV7());
    const tails = new Set(ids.map((id) => id.slice(24)));
    expect(tails.size).toBe(ids.length);
  });
});
