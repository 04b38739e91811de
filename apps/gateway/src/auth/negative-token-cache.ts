import { createHash } from 'node:crypto';

/**
 * PATs this instance was recently told are unknown (never issued, revoked or expired), so a
 * client repeating one does not cost a tokenVerify RPC each time. Only refusals are remembered,
 * never a success: a revocation still applies to the very next request, and a token refused once
 * cannot become valid later (secrets are random and a revocation or expiry is final).
 *
 * Bounded twice: entries live `ttlMs`, and past `maxEntries` the oldest is forgotten first (Map
 * keeps insertion order). Keys are SHA-256 digests, so the cache holds no bearer secret.
 */
export class NegativeTokenCache {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.expiries.size;
  }

  /** True while `token` was refused within the last `ttlMs`. */
  has(token: string): boolean {
    const key = digest(token);
    const expiry = this.expiries.get(key);
    if (expiry === undefined) return false;
    if (expiry > this.now()) return true;
    this.expiries.delete(key);
    return false;
  }

  add(token: string): void {
    if (this.ttlMs <= 0) return;
    const key = digest(token);
    // Re-inserted at the end: the newest refusal is the last to be forgotten.
    this.expiries.delete(key);
    this.expiries.set(key, this.now() + this.ttlMs);
    while (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next().value;
      if (oldest === undefined) break;
      this.expiries.delete(oldest);
    }
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
