import { Injectable } from '@nestjs/common';
import { Database } from '../../platform/database';
import { OutboxService } from '../../platform/outbox/outbox.service';
import { AttributePendingConversions } from '../../conversions/use-cases/attribute-pending-conversions';
import { ClicksRepository, NewClick } from '../clicks.repository';

/**
 * Stores a batch of clicks and, in the same transaction, counts the conversions that were
 * waiting for them. Idempotent: a redelivered batch inserts nothing and finds nothing pending.
 */
@Injectable()
export class RecordClicks {
  constructor(
    private readonly db: Database,
    private readonly clicks: ClicksRepository,
    private readonly attributePending: AttributePendingConversions,
    private readonly outbox: OutboxService,
  ) {}

  async execute(clicks: NewClick[]): Promise<{ inserted: number; attributed: number }> {
    if (clicks.length === 0) return { inserted: 0, attributed: 0 };
    const result = await this.db.transaction(async (tx) => {
      const inserted = await this.clicks.insertMany(tx, clicks);
      const counted = await this.attributePending.execute(tx, { clickIds: clicks.map((c) => c.clickId) });
      return { inserted, attributed: counted.length };
    });
    if (result.attributed) this.outbox.wake();
    return result;
  }
}
