import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Database } from '../infra/database';
import { OutboxService } from '../outbox/outbox.service';
import { AttributePendingConversions } from './use-cases/attribute-pending-conversions';

const SWEEP_EVERY_MS = 5000;
/** Far longer than any transaction: the sweep only has to cover the race described below. */
const LOOKBACK_MS = 15 * 60 * 1000;

/**
 * Closes one race: a conversion whose transaction is still open while its click commits and the
 * click consumer looks for pending conversions (it cannot see the uncommitted row, and the
 * conversion could not see the click). Every few seconds, recent unattributed conversions whose
 * click is now stored are attributed. Clicks that arrive after the conversion committed are
 * handled by the click consumer directly.
 */
@Injectable()
export class AttributionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AttributionSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly attributePending: AttributePendingConversions,
    private readonly outbox: OutboxService,
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
  }

  async sweep(now: Date = new Date()): Promise<number> {
    const counted = await this.db.transaction((tx) =>
      this.attributePending.execute(tx, { createdSince: new Date(now.getTime() - LOOKBACK_MS) }, now),
    );
    if (counted.length) this.outbox.wake();
    return counted.length;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
