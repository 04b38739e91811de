import { Injectable } from '@nestjs/common';
import { newEventId, TOPICS } from '@funnel/contracts';
import { Database } from '../../infra/database';
import { OutboxService } from '../../outbox/outbox.service';
import { ClicksRepository } from '../../clicks/clicks.repository';
import { CampaignsRepository } from '../../campaigns/campaigns.repository';
import { ConversionRecord, ConversionsRepository } from '../conversions.repository';
import { attribute, decideConversion, dedupe } from '../attribution';
import { conversionRecordedEvent } from '../conversion-events';

export interface RecordConversionCommand {
  handle: string;
  requestId: string;
  eventType: string;
  value: number;
  currency: string;
  clickId: string | null;
  orderId: string | null;
  metadata: Record<string, unknown>;
}

/**
 * Stores a conversion, attributed to its click's campaign when the click is known, deduplicated
 * by (handle, orderId). Everything happens in one transaction with the outbox row, so a
 * conversion is counted and announced together or not at all. Nothing is ever rejected for being
 * a duplicate or unattributed: it is stored with that status.
 */
@Injectable()
export class RecordConversion {
  constructor(
    private readonly db: Database,
    private readonly clicks: ClicksRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly conversions: ConversionsRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(command: RecordConversionCommand): Promise<ConversionRecord> {
    const conversionId = newEventId();
    const createdAt = new Date();
    const { handle, clickId, orderId } = command;
    const { record, emitted } = await this.db.transaction(async (tx) => {
      // Claimed first: a concurrent post of the same order waits here until this transaction ends.
      const orderOwner = orderId ? await this.conversions.claimOrderId(tx, handle, orderId, conversionId) : null;
      const click = clickId ? await this.clicks.find(tx, handle, clickId) : null;
      const campaign = click ? await this.campaigns.find(tx, handle, click.campaignId) : null;
      const decision = decideConversion(
        attribute({ clickId, click, campaign, convertedAt: createdAt }),
        dedupe({ conversionId, orderId, orderOwner }),
      );
      const record = await this.conversions.insert(tx, {
        conversionId,
        handle,
        campaignId: decision.campaignId,
        clickId,
        orderId,
        eventType: command.eventType,
        value: command.value,
        currency: command.currency,
        metadata: command.metadata,
        test: false,
        status: decision.status,
        duplicateOf: decision.duplicateOf,
        createdAt,
        attributedAt: decision.status === 'counted' ? createdAt : null,
      });
      if (decision.emit) await this.outbox.append(tx, TOPICS.conversions, handle, conversionRecordedEvent(record, command.requestId));
      return { record, emitted: decision.emit };
    });
    if (emitted) this.outbox.wake();
    return record;
  }
}
