import { Injectable } from '@nestjs/common';
import { TOPICS } from '@funnel/contracts';
import { Tx } from '../../platform/database';
import { OutboxService } from '../../platform/outbox/outbox.service';
import { ConversionRecord, ConversionsRepository, PendingFilter } from '../conversions.repository';
import { ClicksRepository } from '../../clicks/clicks.repository';
import { attributeByVisitor, countability, inCookieWindow } from '../attribution';
import { conversionRecordedEvent } from '../conversion-events';

/**
 * Attributes conversions that were stored unattributed because their click had not arrived yet,
 * now that it has: same rules as at recording time (window, paused campaign, event type), and
 * conversion.recorded is emitted once, when the status flips to counted (the row lock and the
 * status predicate make a second run a no-op). Runs inside the caller's transaction; the caller
 * wakes the outbox after commit. Returns the conversions counted now.
 */
@Injectable()
export class AttributePendingConversions {
  constructor(
    private readonly conversions: ConversionsRepository,
    private readonly outbox: OutboxService,
    private readonly clicks: ClicksRepository,
  ) {}

  async execute(tx: Tx, filter: PendingFilter, now: Date = new Date()): Promise<ConversionRecord[]> {
    const pending = await this.conversions.lockPending(tx, filter);
    const counted: ConversionRecord[] = [];
    for (const p of pending) {
      if (!inCookieWindow({ occurredAt: p.clickOccurredAt }, p.campaign, p.createdAt)) {
        // Stays unattributed, now for a known reason (and the sweep stops looking at it).
        await this.conversions.markAttributed(tx, p.conversionId, { status: 'unattributed', statusReason: 'outside_window', campaignId: null }, now);
        continue;
      }
      const counting = countability(p.campaign, p.eventType);
      const record = await this.conversions.markAttributed(
        tx,
        p.conversionId,
        counting.counts
          ? { status: 'counted', statusReason: null, campaignId: p.clickCampaignId }
          : { status: 'not_counted', statusReason: counting.reason, campaignId: p.clickCampaignId },
        now,
      );
      if (!counting.counts) continue;
      await this.outbox.append(tx, TOPICS.conversions, record.handle, conversionRecordedEvent(record, p.clickVariantId));
      counted.push(record);
    }
    return counted;
  }

  /**
   * Visitor-only conversions recorded before the visitor's click reached this service: the same
   * visitor rule, over the clicks up to the conversion's time that are stored now.
   */
  async executeForVisitors(tx: Tx, createdSince: Date, now: Date = new Date()): Promise<ConversionRecord[]> {
    const pending = await this.conversions.lockPendingVisitors(tx, createdSince);
    const counted: ConversionRecord[] = [];
    for (const p of pending) {
      const clicks = await this.clicks.findByVisitor(tx, p.handle, p.visitorId, p.createdAt);
      const attribution = attributeByVisitor({ clicks, convertedAt: p.createdAt });
      if (!attribution.attributed) continue;
      const campaign = clicks.find((c) => c.clickId === attribution.clickId)?.campaign ?? null;
      const counting = countability(campaign, p.eventType);
      const record = await this.conversions.markAttributed(
        tx,
        p.conversionId,
        counting.counts
          ? { status: 'counted', statusReason: null, campaignId: attribution.campaignId, clickId: attribution.clickId }
          : { status: 'not_counted', statusReason: counting.reason, campaignId: attribution.campaignId, clickId: attribution.clickId },
        now,
      );
      if (!counting.counts) continue;
      await this.outbox.append(tx, TOPICS.conversions, record.handle, conversionRecordedEvent(record, attribution.clickVariantId));
      counted.push(record);
    }
    return counted;
  }
}
