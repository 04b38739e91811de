import { Injectable } from '@nestjs/common';
import { TOPICS } from '@funnel/contracts';
import { Tx } from '../../infra/database';
import { OutboxService } from '../../outbox/outbox.service';
import { ConversionRecord, ConversionsRepository, PendingFilter } from '../conversions.repository';
import { inCookieWindow } from '../attribution';
import { conversionRecordedEvent } from '../conversion-events';

/**
 * Counts conversions that were stored unattributed because their click had not arrived yet, now
 * that it has: same attribution rule as at recording time, and conversion.recorded is emitted
 * once, when the status flips (the row lock and the status predicate make a second run a no-op).
 * Runs inside the caller's transaction; the caller wakes the outbox after commit.
 */
@Injectable()
export class AttributePendingConversions {
  constructor(
    private readonly conversions: ConversionsRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(tx: Tx, filter: PendingFilter, now: Date = new Date()): Promise<ConversionRecord[]> {
    const pending = await this.conversions.lockPending(tx, filter);
    const counted: ConversionRecord[] = [];
    for (const p of pending) {
      const click = { campaignId: p.clickCampaignId, occurredAt: p.clickOccurredAt };
      const campaign = p.cookieDurationDays === null ? null : { cookieDurationDays: p.cookieDurationDays };
      if (!inCookieWindow(click, campaign, p.createdAt)) continue;
      const record = await this.conversions.markCounted(tx, p.conversionId, click.campaignId, now);
      await this.outbox.append(tx, TOPICS.conversions, record.handle, conversionRecordedEvent(record));
      counted.push(record);
    }
    return counted;
  }
}
