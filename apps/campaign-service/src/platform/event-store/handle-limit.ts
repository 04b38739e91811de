import { fail, Failure } from '@funnel/contracts';
import type { Tx } from './event-store';

/** What a handle may hold at most of one kind of thing (docs/campaign-service.md, "Per-handle limits"). */
export type LimitedResource = 'links' | 'personalization_rules';

/** A change would take the handle past its limit; thrown inside the transaction so nothing is written. */
export class HandleLimitError extends Error {
  constructor(
    readonly resource: LimitedResource,
    readonly limit: number,
  ) {
    super(`the handle already holds its limit of ${limit} ${resource}`);
    this.name = 'HandleLimitError';
  }
}

/** The refusal: 409 `limit_exceeded`, with the resource and the limit in `details`. */
export function limitExceeded(e: HandleLimitError): Failure {
  const noun = e.resource === 'links' ? 'links' : 'personalization rules';
  return fail('limit_exceeded', `This handle already has ${e.limit} ${noun}, its limit; delete one before adding another.`, undefined, {
    resource: e.resource,
    limit: e.limit,
  });
}

/**
 * Inside the transaction that creates (or revives) one live item of a handle: serialises such
 * creations per handle and resource with a transaction-scoped advisory lock, then counts the
 * live items other than this one, so two concurrent creations cannot both take the last slot.
 * Replacing or deleting an existing live item never needs a slot.
 */
export async function claimHandleSlot(tx: Tx, resource: LimitedResource, handle: string, limit: number, countOthers: () => Promise<number>): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`limit:${resource}:${handle}`}))`;
  if ((await countOthers()) >= limit) throw new HandleLimitError(resource, limit);
}
