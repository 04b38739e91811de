import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Database } from '../platform/database';
import { OutboxService } from '../platform/outbox/outbox.service';
import { ConversionsRepository } from './conversions.repository';
import { AttributePendingConversions } from './use-cases/attribute-pending-conversions';

const SWEEP_EVERY_MS = 5000;
/** Far longer than any transaction: the sweep only has to cover the race described below. */
const LOOKBACK_MS = 15 * 60 * 1000;
/** Idempotency keys are honoured for 24 h (documented), then pruned hourly. */
const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Every few seconds, looks again at recent unattributed conversions:
 * - by click id, it closes one race: a conversion whose transaction is still open while its click
 *   commits and the click consumer looks for pending conversions (neither sees the other's
 *   uncommitted row). Clicks that arrive after the conversion committed are handled by the click
 *   consumer directly;
 * - by visitor id, it credits visitor-only conversions whose click reached this service after
 *   them (the click stream lags the redirect edge).
 */
@Injectable()
export class AttributionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AttributionSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly attributePending: AttributePendingConversions,
    private readonly outbox: OutboxService,
    private readonly conversions: ConversionsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then((n) => {
          if (n) this.logger.log(`attributed ${n} conversion(s) whose click arrived while they were being recorded`);
        })
        .catch((e: Error) => this.logger.warn(`attribution sweep failed: ${e.message}`))
        .finally(() => (this.running = undefined));
    }, SWEEP_EVERY_MS);
    this.pruneTimer = setInterval(() => {
      this.conversions
        .pruneIdempotencyKeys(this.db, new Date(Date.now() - IDEMPOTENCY_KEY_TTL_MS))
        .catch((e: Error) => this.logger.warn(`idempotency key prune failed: ${e.message}`));
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  async sweep(now: Date = new Date()): Promise<number> {
    const since = new Date(now.getTime() - LOOKBACK_MS);
    const counted = await this.db.transaction(async (tx) => [
      ...(await this.attributePending.execute(tx, { createdSince: since }, now)),
      ...(await this.attributePending.executeForVisitors(tx, since, now)),
    ]);
    if (counted.length) this.outbox.wake();
    return counted.length;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    await this.running;
  }
}
