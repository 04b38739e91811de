import type { ClickSpool } from './click-spool';
import type { ClickMessage, ClickPublisher } from './click-sink';

export interface SpoolingPublisherOptions {
  /** A produce not acknowledged within this time counts as failed and its batch is spooled. */
  produceTimeoutMs: number;
  /** Clicks per replayed batch. */
  batchSize: number;
  /** Backoff between replay attempts while Kafka is down: doubles from retryMinMs up to retryMaxMs. */
  retryMinMs: number;
  retryMaxMs: number;
  logger?: { log(message: string): void; warn(message: string): void; error(message: string): void };
}

class Timeout extends Error {}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`no acknowledgement within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sits between the batcher and Kafka. A batch is produced to Kafka; if that fails (or is not
 * acknowledged in time) it is appended to the local spool instead and counts as accepted, so
 * memory does not grow while Kafka is away. Once anything is spooled, later batches are spooled
 * behind it too, so clicks reach Kafka in arrival order: a replay loop produces the spool's
 * contents oldest first, commits each acknowledged chunk, and the spool is truncated when empty.
 *
 * A produce that timed out may still have reached the broker, and a crash between a replayed
 * chunk's acknowledgement and its commit replays it again: such duplicates carry the same
 * eventId/clickId and are removed downstream. Nothing accepted is dropped.
 */
export class SpoolingPublisher implements ClickPublisher {
  private replaying: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private stopped = false;
  private lastFailure: string | null = null;
  private spooledCount = 0;
  private replayedCount = 0;

  constructor(
    private readonly kafka: ClickPublisher,
    private readonly spool: ClickSpool,
    private readonly options: SpoolingPublisherOptions,
  ) {}

  /** Why Kafka is not taking clicks, while it is not; null when healthy. */
  get failure(): string | null {
    return this.lastFailure;
  }

  get spooled(): number {
    return this.spooledCount;
  }

  get replayed(): number {
    return this.replayedCount;
  }

  get backlogBytes(): number {
    return this.spool.backlogBytes;
  }

  /** Starts replaying what a previous run left in the spool. */
  start(): void {
    this.stopped = false;
    if (!this.spool.isEmpty) {
      this.options.logger?.log(`replaying ${this.spool.backlogBytes} bytes of spooled clicks`);
      this.scheduleReplay(0);
    }
  }

  async publish(batch: readonly ClickMessage[]): Promise<void> {
    if (!this.spool.isEmpty || this.replaying) return this.toSpool(batch);
    try {
      await within(this.kafka.publish(batch), this.options.produceTimeoutMs);
      this.lastFailure = null;
    } catch (e) {
      this.lastFailure = (e as Error).message;
      this.options.logger?.warn(`click produce failed, spooling ${batch.length} clicks: ${this.lastFailure}`);
      this.nextBackoff();
      await this.toSpool(batch);
    }
  }

  /**
   * Replays the spool now, for up to `timeoutMs` (shutdown). Returns true when the spool is empty;
   * whatever is left stays durably on disk for the next run.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    // The background loop is stopped first: two readers would replay the same chunk twice.
    this.stop();
    await this.replaying;
    const deadline = Date.now() + timeoutMs;
    while (!this.spool.isEmpty && Date.now() < deadline) {
      const ok = await this.replayOnce(Math.max(1, Math.min(this.options.produceTimeoutMs, deadline - Date.now())));
      if (!ok) break;
    }
    return this.spool.isEmpty;
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private async toSpool(batch: readonly ClickMessage[]): Promise<void> {
    await this.spool.append(batch);
    this.spooledCount += batch.length;
    this.scheduleReplay(this.backoffMs);
  }

  private nextBackoff(): number {
    this.backoffMs = this.backoffMs === 0 ? this.options.retryMinMs : Math.min(this.backoffMs * 2, this.options.retryMaxMs);
    return this.backoffMs;
  }

  private scheduleReplay(delayMs: number): void {
    if (this.stopped || this.timer || this.replaying) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      let failed = false;
      this.replaying = this.replayLoop()
        .then((ok) => {
          failed = !ok;
        })
        // The spool's own I/O failed (e.g. ENOSPC): try again later, never crash the worker.
        .catch((e: Error) => {
          failed = true;
          this.lastFailure = `click spool: ${e.message}`;
          this.options.logger?.error(`click replay failed on the spool itself: ${e.message}`);
        })
        .finally(() => {
          this.replaying = undefined;
          // Clicks spooled while the loop was finishing (or a failed attempt) need another pass.
          if (!this.spool.isEmpty) this.scheduleReplay(failed ? this.nextBackoff() : 0);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Replays until the spool is empty (true) or a produce fails (false). */
  private async replayLoop(): Promise<boolean> {
    while (!this.stopped && !this.spool.isEmpty) {
      if (!(await this.replayOnce(this.options.produceTimeoutMs))) return false;
    }
    return true;
  }

  /** Produces the oldest spooled chunk; true when it was acknowledged (and committed). */
  private async replayOnce(timeoutMs: number): Promise<boolean> {
    const chunk = await this.spool.read(this.options.batchSize);
    if (chunk.corrupt > 0) this.options.logger?.error(`skipped ${chunk.corrupt} unreadable lines of the click spool`);
    try {
      if (chunk.clicks.length > 0) await within(this.kafka.publish(chunk.clicks), timeoutMs);
    } catch (e) {
      this.lastFailure = (e as Error).message;
      this.options.logger?.warn(`click replay failed (${this.spool.backlogBytes} bytes spooled): ${this.lastFailure}`);
      return false;
    }
    await this.spool.commit(chunk.end);
    this.replayedCount += chunk.clicks.length;
    this.backoffMs = 0;
    if (this.spool.isEmpty) {
      this.lastFailure = null;
      this.options.logger?.log(`click spool replayed (${this.replayedCount} clicks so far)`);
    }
    return true;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
