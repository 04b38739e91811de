/** Reads the highest Kafka offset already stored for a partition (null when none). */
export interface StoredOffsets {
  maxStoredOffset(topic: string, partition: number): Promise<bigint | null>;
}

const keyOf = (topic: string, partition: number) => `${topic}#${partition}`;

/**
 * Exactly-once against crashes between a ClickHouse insert and the Kafka commit. Offsets are
 * committed only after the insert, so a crash in between redelivers messages ClickHouse already
 * holds; every message at or below the stored maximum of its partition is therefore skipped.
 *
 * The maximum is read from ClickHouse the first time a partition is seen, again after every
 * (re)assignment (another instance may have written meanwhile) and after a failed insert (it may
 * have landed anyway); in between, this process's own successful inserts keep it current.
 */
export class OffsetGuard {
  private readonly known = new Map<string, bigint | null>();

  constructor(private readonly store: StoredOffsets) {}

  /** The highest offset of the partition already stored; throws when the store cannot say. */
  async highWater(topic: string, partition: number): Promise<bigint | null> {
    const key = keyOf(topic, partition);
    if (this.known.has(key)) return this.known.get(key) ?? null;
    const stored = await this.store.maxStoredOffset(topic, partition);
    this.known.set(key, stored);
    return stored;
  }

  /** True when a message at `offset` is already stored, given the partition's high water. */
  static alreadyStored(highWater: bigint | null, offset: string): boolean {
    return highWater !== null && BigInt(offset) <= highWater;
  }

  /** After a successful insert: everything up to `offset` is handled. */
  advance(topic: string, partition: number, offset: string): void {
    const key = keyOf(topic, partition);
    const current = this.known.get(key);
    const next = BigInt(offset);
    if (current === undefined || current === null || next > current) this.known.set(key, next);
  }

  /** Forget what is known about one partition (after a failed insert) or all of them (after a rebalance). */
  forget(topic?: string, partition?: number): void {
    if (topic === undefined || partition === undefined) this.known.clear();
    else this.known.delete(keyOf(topic, partition));
  }
}
