import { Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** What the limiter needs of a store: rate-limiter-flexible's consume and get (RateLimiterRedis in production). */
export interface FailureStore {
  /** Adds points; rejects with a RateLimiterRes past the limit, with an Error when the store fails. */
  consume(key: string, points?: number): Promise<RateLimiterRes>;
  get(key: string): Promise<RateLimiterRes | null>;
}

export interface LimitDecision {
  limited: boolean;
  /** Whole seconds until the address may try again (the Retry-After header); 0 when not limited. */
  retryAfterSeconds: number;
}

export interface LimiterState {
  /** `shared`: counted in the store every instance uses; `local`: the store failed, counted in this instance only. */
  mode: 'shared' | 'local';
  /** Why the store is not used, while local. */
  error?: string;
}

export interface AuthFailureLimiterOptions {
  /** Failed authentications allowed per address and window. */
  limit: number;
  windowSeconds: number;
  /** Addresses this instance remembers as over the limit, so it refuses them without asking the store (bounded). */
  maxLocalBlocks?: number;
  logger?: Pick<Logger, 'warn' | 'log'>;
  now?: () => number;
}

const OK: LimitDecision = { limited: false, retryAfterSeconds: 0 };

/**
 * Counts failed authentications per client address in a store every gateway instance shares, so
 * an address past the limit is refused by all of them (429 with Retry-After until its window ends).
 *
 * When the store fails (Redis down or too slow) the count goes on in this instance's memory, with
 * the same limit: never fail open, never refuse everyone. The switch is logged once each way and
 * `state()` reports it (the gateway's /health shows it); the shared store is tried again on every
 * call, so the limiter is shared again as soon as Redis answers.
 */
export class AuthFailureLimiter {
  private readonly fallback: RateLimiterMemory;
  private readonly logger: Pick<Logger, 'warn' | 'log'>;
  private readonly now: () => number;
  private readonly maxLocalBlocks: number;
  /** Address → time its block ends, learnt from the store; Map order makes the oldest the first forgotten. */
  private readonly blockedUntil = new Map<string, number>();
  private storeError: string | null = null;

  constructor(
    private readonly store: FailureStore,
    private readonly options: AuthFailureLimiterOptions,
  ) {
    this.fallback = new RateLimiterMemory({ points: options.limit, duration: options.windowSeconds });
    this.logger = options.logger ?? new Logger('auth-limiter');
    this.now = options.now ?? Date.now;
    this.maxLocalBlocks = options.maxLocalBlocks ?? 10000;
  }

  state(): LimiterState {
    return this.storeError === null ? { mode: 'shared' } : { mode: 'local', error: this.storeError };
  }

  /**
   * Whether `address` has used up its failures in this window, asked before work a failure would
   * waste (a tokenVerify RPC): such an address is not looked up again until the window ends.
   */
  async check(address: string): Promise<LimitDecision> {
    const local = this.localBlock(address);
    if (local.limited) return local;
    const res = await this.run(() => this.store.get(address), () => this.fallback.get(address));
    return res && res.consumedPoints >= this.options.limit ? this.block(address, res) : OK;
  }

  /** Counts one failure of `address`; limited once the count passes the limit within the window. */
  async recordFailure(address: string): Promise<LimitDecision> {
    const local = this.localBlock(address);
    if (local.limited) return local;
    const res = await this.run(
      () => this.store.consume(address, 1),
      () => this.fallback.consume(address, 1),
    );
    return res.consumedPoints > this.options.limit ? this.block(address, res) : OK;
  }

  /** Runs `primary`; on a store failure logs the switch once and runs `local` instead. A limit reached is an answer, not a failure. */
  private async run<T extends RateLimiterRes | null>(primary: () => Promise<T>, local: () => Promise<T>): Promise<T | RateLimiterRes> {
    try {
      const res = await primary();
      this.restored();
      return res;
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        this.restored();
        return e;
      }
      this.degraded(e);
    }
    try {
      return await local();
    } catch (e) {
      if (e instanceof RateLimiterRes) return e;
      throw e;
    }
  }

  private degraded(e: unknown): void {
    const error = e instanceof Error ? e.message : String(e);
    if (this.storeError === null) {
      this.logger.warn({ event: 'auth_limiter_local', detail: 'the shared store failed: failed authentications are counted per instance until it answers', error });
    }
    this.storeError = error;
  }

  private restored(): void {
    if (this.storeError === null) return;
    this.storeError = null;
    this.logger.log({ event: 'auth_limiter_shared', detail: 'the shared store answers again' });
  }

  /** What this instance already knows, without I/O: whether `address` is over the limit (a stale "no" is possible, never a stale "yes"). */
  limitedNow(address: string): LimitDecision {
    return this.localBlock(address);
  }

  private localBlock(address: string): LimitDecision {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return OK;
    const ms = until - this.now();
    if (ms > 0) return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
    this.blockedUntil.delete(address);
    return OK;
  }

  private block(address: string, res: RateLimiterRes): LimitDecision {
    const ms = Math.max(res.msBeforeNext, 1000);
    this.blockedUntil.delete(address);
    this.blockedUntil.set(address, this.now() + ms);
    while (this.blockedUntil.size > this.maxLocalBlocks) {
      const oldest = this.blockedUntil.keys().next().value;
      if (oldest === undefined) break;
      this.blockedUntil.delete(oldest);
    }
    return { limited: true, retryAfterSeconds: Math.ceil(ms / 1000) };
  }
}
