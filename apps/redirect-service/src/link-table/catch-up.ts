/** One partition's end offset (the high-water mark) as it was when the process started. */
export interface PartitionTarget {
  topic: string;
  partition: number;
  /** Offset of the next message to be written, i.e. last offset + 1. */
  high: string;
  /** Log start offset: a partition with low === high holds nothing to catch up on. */
  low: string;
}

/**
 * Tracks how far each partition has been consumed against the high-water marks taken at
 * startup. Caught up = every partition has been read up to its startup end; what arrives
 * later is live traffic and does not hold readiness back.
 */
export class CatchUpTracker {
  private readonly remaining = new Map<string, { target: bigint; position: bigint }>();

  constructor(targets: readonly PartitionTarget[]) {
    for (const t of targets) {
      const high = BigInt(t.high);
      if (high > BigInt(t.low)) this.remaining.set(`${t.topic}[${t.partition}]`, { target: high, position: -1n });
    }
  }

  get caughtUp(): boolean {
    return this.remaining.size === 0;
  }

  /** Records that everything up to and including `lastOffset` has been applied. */
  observe(topic: string, partition: number, lastOffset: string): void {
    const id = `${topic}[${partition}]`;
    const entry = this.remaining.get(id);
    if (!entry) return;
    const next = BigInt(lastOffset) + 1n;
    if (next > entry.position) entry.position = next;
    if (entry.position >= entry.target) this.remaining.delete(id);
  }

  describe(): string {
    if (this.caughtUp) return 'caught up';
    return [...this.remaining]
      .map(([id, { target, position }]) => `${id} at ${position < 0n ? 'start' : position.toString()} of ${target.toString()}`)
      .join(', ');
  }
}
