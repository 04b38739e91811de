import { setTimeout as sleep } from 'node:timers/promises';
import { Envelope, fail, Failure } from '@funnel/contracts';
import { ConcurrencyError } from './concurrency.error';
import { HandleLimitError, limitExceeded } from './handle-limit';

/** What a command decides from the current state: new events and the state they lead to, or a refusal. */
export type Decision<S> = { ok: true; state: S; events: Array<Envelope<object>> } | Failure;

export interface VersionedWrite<S extends { version: number }> {
  load(): Promise<S | null>;
  decide(current: S | null): Decision<S>;
  save(state: S, events: Array<Envelope<object>>): Promise<void>;
  /** The version the caller saw (If-Match); another version, now or at commit, is a 412. */
  ifMatch?: number;
  /** How many times a write without If-Match is retried after losing a race. */
  attempts?: number;
}

export const DEFAULT_WRITE_ATTEMPTS = 40;

export function preconditionFailed(current: number): Failure {
  return fail('precondition_failed', `If-Match does not match the current version ${current}; reload and retry.`, undefined, {
    currentVersion: current,
  });
}

/**
 * Runs a command against one aggregate. With If-Match the caller asserted a version, so a
 * mismatch (seen on load or lost at commit) is a 412 and nothing changes. Without it, a lost
 * race is not the caller's concern: the command is decided again on the new state and retried,
 * so concurrent writes are serialized by the event store's version check and none is lost.
 */
export async function versionedWrite<S extends { version: number }>(
  write: VersionedWrite<S>,
): Promise<{ ok: true; state: S; changed: boolean } | Failure> {
  const attempts = write.ifMatch === undefined ? (write.attempts ?? DEFAULT_WRITE_ATTEMPTS) : 1;
  for (let attempt = 1; ; attempt++) {
    const current = await write.load();
    if (current && write.ifMatch !== undefined && current.version !== write.ifMatch) return preconditionFailed(current.version);
    const decision = write.decide(current);
    if (!decision.ok) return decision;
    if (decision.events.length === 0) return { ok: true, state: decision.state, changed: false };
    try {
      await write.save(decision.state, decision.events);
      return { ok: true, state: decision.state, changed: true };
    } catch (e) {
      // A per-handle limit reached: the transaction rolled back, nothing changed.
      if (e instanceof HandleLimitError) return limitExceeded(e);
      if (!(e instanceof ConcurrencyError)) throw e;
      if (write.ifMatch !== undefined) {
        const latest = await write.load();
        return preconditionFailed(latest?.version ?? 0);
      }
      if (attempt >= attempts) return fail('write_conflict', 'Too many concurrent changes; retry.');
      // Jitter spreads the retries of writers that lost the same race.
      await sleep(Math.floor(Math.random() * 10 * Math.min(attempt, 5)));
    }
  }
}

/** The If-Match version the gateway passed, if any (a positive integer). */
export function ifMatchOf(params: Record<string, string>): number | undefined {
  const raw = params.ifMatch;
  return raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}
