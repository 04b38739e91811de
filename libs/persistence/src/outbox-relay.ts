/**
 * Transactional outbox relay: events are written to an outbox table in the same transaction
 * as the state change; this relay publishes them to Kafka in outbox order, at least once
 * (a crash after send and before markPublished re-sends; consumers are idempotent by eventId).
 * Storage is behind OutboxStore so each service keeps its own table (and tests can fake it).
 */
export interface OutboxRecord {
  id: bigint;
  topic: string;
  key: string | null;
  /** Serialized JSON, or null for a tombstone on a compacted topic. */
  value: string | null;
  headers?: Record<string, string>;
}

export interface OutboxStore {
  /**
   * Runs `publish` on the oldest unpublished records (at most `limit`, in id order) while
   * holding a lock that keeps other relays of the same database out, then marks them
   * published. If `publish` throws, nothing is marked and the same records come back next time.
   */
  withBatch(limit: number, publish: (records: OutboxRecord[]) => Promise<void>): Promise<number>;
  /** Deletes records published before `before`; returns how many. Unpublished records are never touched. */
  prunePublished?(before: Date): Promise<number>;
}

export interface OutboxPublisher {
  send(topic: string, messages: Array<{ key: string | null; value: string | null; headers?: Record<string, string> }>): Promise<void>;
}

export interface RelayLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface RelayOptions {
  batchSize?: number;
  /** Poll interval when idle; `wake()` publishes sooner after a commit. */
  idleMs?: number;
  maxBackoffMs?: number;
  /** How long published records stay in the outbox (for inspection) before they are pruned. */
  retentionMs?: number;
  /** How often published records older than `retentionMs` are pruned (when the store can). */
  pruneEveryMs?: number;
}

/** Published outbox rows are kept a day (for inspection), then pruned (hourly), so the table stays small. */
export const OUTBOX_RETENTION_MS = 24 * 3600 * 1000;
export const OUTBOX_PRUNE_EVERY_MS = 3600 * 1000;

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  private failures = 0;

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: OutboxPublisher,
    private readonly logger: RelayLogger,
    private readonly options: RelayOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
    if (this.store.prunePublished && !this.pruneTimer) {
      void this.prune();
      this.pruneTimer = setInterval(() => void this.prune(), this.options.pruneEveryMs ?? OUTBOX_PRUNE_EVERY_MS);
      this.pruneTimer.unref();
    }
  }

  /** Deletes what was published more than `retentionMs` ago (one prune at a time; failures are logged and retried next time). */
  prune(): Promise<void> {
    const prunePublished = this.store.prunePublished?.bind(this.store);
    if (!prunePublished) return Promise.resolve();
    this.pruning ??= prunePublished(new Date(Date.now() - (this.options.retentionMs ?? OUTBOX_RETENTION_MS)))
      .then(() => undefined)
      .catch((e: Error) => this.logger.warn(`outbox prune failed, will retry: ${e.message}`))
      .finally(() => {
        this.pruning = undefined;
      });
    return this.pruning;
  }

  /** Publishes now (coalesced with a run already in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      const delay = this.failures ? Math.min(100 * 2 ** this.failures, this.options.maxBackoffMs ?? 10000) : this.options.idleMs ?? 200;
      this.timer = setTimeout(() => this.wake(), this.again ? 0 : delay);
      this.again = false;
    });
  }

  /** Publishes everything pending, then returns (used on shutdown and in tests). */
  async drain(): Promise<void> {
    await this.running;
    while ((await this.publishOnce()) > 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
    await Promise.all([this.running, this.pruning]);
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped && (await this.publishOnce()) >= (this.options.batchSize ?? 500));
      this.failures = 0;
    } catch (e) {
      this.failures++;
      this.logger.warn(`outbox relay failed (attempt ${this.failures}), will retry: ${(e as Error).message}`);
    }
  }

  private publishOnce(): Promise<number> {
    return this.store.withBatch(this.options.batchSize ?? 500, async (records) => {
      // Consecutive records of one topic go in one send; order across the batch is kept.
      let i = 0;
      while (i < records.length) {
        const topic = records[i].topic;
        const group: OutboxRecord[] = [];
        while (i < records.length && records[i].topic === topic) group.push(records[i++]);
        await this.publisher.send(topic, group.map((r) => ({ key: r.key, value: r.value, headers: r.headers })));
      }
    });
  }
}
