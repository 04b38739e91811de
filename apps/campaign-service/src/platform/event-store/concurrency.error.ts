/** Another writer appended the same aggregate version first: the caller's view is stale. */
export class ConcurrencyError extends Error {
  constructor(aggregateType: string, handle: string, aggregateId: string) {
    super(`${aggregateType} ${handle}/${aggregateId} was changed concurrently`);
    this.name = 'ConcurrencyError';
  }
}
