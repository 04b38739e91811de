import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AuthFailureLimiter, FailureStore } from './auth-failure-limiter';

/** A store that can be switched off, as Redis going down looks to the limiter. */
class SwitchableStore implements FailureStore {
  down = false;
  calls = 0;
  constructor(private readonly inner: FailureStore) {}
  consume(key: string, points?: number): Promise<RateLimiterRes> {
    this.calls++;
    return this.down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : this.inner.consume(key, points);
  }
  get(key: string): Promise<RateLimiterRes | null> {
    this.calls++;
    return this.down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : this.inner.get(key);
  }
}

function logs() {
  const lines: Array<{ level: string; event: unknown }> = [];
  return {
    lines,
    logger: {
      warn: (m: { event?: unknown }) => void lines.push({ level: 'warn', event: m.event }),
      log: (m: { event?: unknown }) => void lines.push({ level: 'log', event: m.event }),
    },
  };
}

describe('AuthFailureLimiter', () => {
  const LIMIT = 5;

  it('allows LIMIT failures per address, then limits it with a Retry-After within the window', async () => {
    const limiter = new AuthFailureLimiter(new RateLimiterMemory({ points: LIMIT, duration: 60 }), { limit: LIMIT, windowSeconds: 60 });
    for (let i = 0; i < LIMIT - 1; i++) expect(await limiter.recordFailure('10.0.0.1')).toEqual({ limited: false, retryAfterSeconds: 0 });
    expect(await limiter.check('10.0.0.1')).toEqual({ limited: false, retryAfterSeconds: 0 });
    expect(await limiter.recordFailure('10.0.0.1')).toEqual({ limited: false, retryAfterSeconds: 0 });
    // The failures are used up: no more lookups for this address in the window.
    expect((await limiter.check('10.0.0.1')).limited).toBe(true);
    const over = await limiter.recordFailure('10.0.0.1');
    expect(over.limited).toBe(true);
    expect(over.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(over.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.check('10.0.0.1')).limited).toBe(true);
    expect((await limiter.check('10.0.0.2')).limited).toBe(false);
  });

  it('shares the count between instances through one store: the second sees the first one\'s failures', async () => {
    const shared = new SwitchableStore(new RateLimiterMemory({ points: LIMIT, duration: 60 }));
    const a = new AuthFailureLimiter(shared, { limit: LIMIT, windowSeconds: 60 });
    const b = new AuthFailureLimiter(shared, { limit: LIMIT, windowSeconds: 60 });
    for (let i = 0; i < LIMIT - 1; i++) await a.recordFailure('10.0.0.3');
    expect((await b.check('10.0.0.3')).limited).toBe(false);
    await a.recordFailure('10.0.0.3');
    expect((await b.check('10.0.0.3')).limited).toBe(true);
    expect((await b.recordFailure('10.0.0.3')).limited).toBe(true);
    expect((await a.check('10.0.0.3')).limited).toBe(true);
  });

  it('refuses a limited address from memory, without asking the store again', async () => {
    const store = new SwitchableStore(new RateLimiterMemory({ points: LIMIT, duration: 60 }));
    const limiter = new AuthFailureLimiter(store, { limit: LIMIT, windowSeconds: 60 });
    for (let i = 0; i <= LIMIT; i++) await limiter.recordFailure('10.0.0.4');
    const before = store.calls;
    for (let i = 0; i < 100; i++) {
      expect((await limiter.recordFailure('10.0.0.4')).limited).toBe(true);
      expect((await limiter.check('10.0.0.4')).limited).toBe(true);
    }
    expect(store.calls).toBe(before);
  });

  it('forgets a block when its window ends', async () => {
    let clock = 1_000_000;
    const limiter = new AuthFailureLimiter(
      new RateLimiterMemory({ points: 1, duration: 1 }),
      { limit: 1, windowSeconds: 1, now: () => clock },
    );
    await limiter.recordFailure('10.0.0.5');
    expect((await limiter.recordFailure('10.0.0.5')).limited).toBe(true);
    clock += 1001;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await limiter.check('10.0.0.5')).limited).toBe(false);
  });

  it('counts in memory while the store is down (logged once, state local), never failing open nor refusing everyone', async () => {
    const { lines, logger } = logs();
    const store = new SwitchableStore(new RateLimiterMemory({ points: LIMIT, duration: 60 }));
    const limiter = new AuthFailureLimiter(store, { limit: LIMIT, windowSeconds: 60, logger });
    store.down = true;
    expect((await limiter.check('10.0.0.6')).limited).toBe(false);
    for (let i = 0; i < LIMIT; i++) expect((await limiter.recordFailure('10.0.0.6')).limited).toBe(false);
    expect((await limiter.recordFailure('10.0.0.6')).limited).toBe(true);
    expect((await limiter.check('10.0.0.7')).limited).toBe(false);
    expect(limiter.state()).toEqual({ mode: 'local', error: 'connect ECONNREFUSED 127.0.0.1:6379' });
    expect(lines).toEqual([{ level: 'warn', event: 'auth_limiter_local' }]);

    store.down = false;
    expect((await limiter.check('10.0.0.8')).limited).toBe(false);
    expect(limiter.state()).toEqual({ mode: 'shared' });
    expect(lines).toEqual([
      { level: 'warn', event: 'auth_limiter_local' },
      { level: 'log', event: 'auth_limiter_shared' },
    ]);
  });

  it('keeps a bounded memory of limited addresses', async () => {
    const limiter = new AuthFailureLimiter(new RateLimiterMemory({ points: 1, duration: 60 }), { limit: 1, windowSeconds: 60, maxLocalBlocks: 10 });
    for (let i = 0; i < 50; i++) {
      await limiter.recordFailure(`10.1.0.${i}`);
      await limiter.recordFailure(`10.1.0.${i}`);
    }
    expect((limiter as unknown as { blockedUntil: Map<string, number> }).blockedUntil.size).toBe(10);
    // A forgotten one is still limited: the store remembers it.
    expect((await limiter.check('10.1.0.0')).limited).toBe(true);
  });
});
