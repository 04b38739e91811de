import type { ClickMessage, ClickPublisher, ClickSink } from './click-sink';

export interface ClickBatcherOptions {
  /** Longest a click waits in memory before its batch is produced. */
  flushIntervalMs: number;
  /** Largest batch; a full batch is produced at once. */
  batchSize: number;
  /** Backoff after a failed produce: starts at retryMinMs, doubles up to retryMaxMs, never gives up. */
  retryMinMs?: number;
  retryMaxMs: number;
  logger?: { log(message: string): void; warn(message: string): void; error(message: string): void };
}

/** A delay that never keeps the process alive on its own (shutdown must not wait on it). */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Waits for `work` at most `ms`, leaving no timer behind once it settles. */
async function within(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Collects clicks in memory and produces them in batches: when `batchSize` are waiting, or
 * `flushIntervalMs` after the first of a batch arrived. One produce is in flight at a time, so
 * batches leave in arrival order. A failed produce keeps its batch at the head of the queue and
 * is retried with backoff; nothing is dropped while the process lives. (In the service the
 * publisher is the SpoolingPublisher, which only fails when even the local spool cannot be
 * written: a Kafka outage does not pile clicks up here.)
 *
 * The queue is a list of batch-sized chunks, so a long outage costs O(1) per click, not a
 * re-slice of a huge array per flush.
 */
export class ClickBatcher implements ClickSink {
  private readonly chunks: ClickMessage[][] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private backoffMs = 0;
  private lastFailure: string | null = null;
  private draining = false;
  private deliveredCount = 0;
  private readonly retryMinMs: number;

  constructor(
    private readonly publisher: ClickPublisher,
    private readonly options: ClickBatcherOptions,
  ) {
    this.retryMinMs = options.retryMinMs ?? 100;
  }

  /** Clicks accepted but not yet produced (including a batch in flight). */
  get pending(): number {
    return this.queued;
  }

  get delivered(): number {
    return this.deliveredCount;
  }

  /** The error of the last produce while produces are failing; null when healthy. */
  get failure(): string | null {
    return this.lastFailure;
  }

  record(click: ClickMessage): void {
    const tail = this.chunks[this.chunks.length - 1];
    if (tail && tail.length < this.options.batchSize) tail.push(click);
    else this.chunks.push([click]);
    this.queued++;
    // A produce in flight picks the click up when it finishes; during backoff the retry timer does.
    if (this.inFlight || this.backoffMs > 0) return;
    this.schedule(this.queued >= this.options.batchSize ? 0 : this.options.flushIntervalMs);
  }

  /** Produces what is queued now (one batch-sized chunk at a time). */
  flush(): Promise<void> {
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * Produces everything queued, retrying failures, until the queue is empty or `timeoutMs`
   * has passed. Returns how many clicks are still undelivered (0 on success).
   */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    this.draining = true;
    try {
      while (this.queued > 0) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        this.clearTimer();
        await within(this.flush(), left);
        if (this.queued > 0 && this.backoffMs > 0) await sleep(Math.min(this.backoffMs, Math.max(0, deadline - Date.now())));
      }
    } finally {
      this.draining = false;
      this.clearTimer();
    }
    return this.queued;
  }

  private async run(): Promise<void> {
    while (this.chunks.length > 0) {
      // Taken off the queue while in flight, so clicks recorded meanwhile never join a batch being sent.
      const batch = this.chunks.shift() as ClickMessage[];
      try {
        await this.publisher.publish(batch);
      } catch (e) {
        this.chunks.unshift(batch);
        this.backoffMs = this.backoffMs === 0 ? this.retryMinMs : Math.min(this.backoffMs * 2, this.options.retryMaxMs);
        this.lastFailure = (e as Error).message;
        this.options.logger?.warn(`click produce failed (${this.queued} pending), retrying in ${this.backoffMs} ms: ${this.lastFailure}`);
        if (!this.draining) this.schedule(this.backoffMs, true);
        return;
      }
      this.queued -= batch.length;
      this.deliveredCount += batch.length;
      if (this.lastFailure !== null) this.options.logger?.log(`click produce recovered (${this.queued} pending)`);
      this.lastFailure = null;
      this.backoffMs = 0;
      // A partial batch waits for the interval like any other, unless we are draining.
      if (this.queued < this.options.batchSize && !this.draining) break;
    }
    if (this.queued > 0 && !this.draining) this.schedule(this.queued >= this.options.batchSize ? 0 : this.options.flushIntervalMs);
  }

  private schedule(delayMs: number, replace = false): void {
    if (this.timer) {
      if (!replace && delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
