import { Injectable } from '@nestjs/common';
import { newEventId, TOPICS } from '@funnel/contracts';
import { Database } from '../../platform/database';
import { OutboxService } from '../../platform/outbox/outbox.service';
import { CampaignsRepository } from '../../campaigns/campaigns.repository';
import { ConversionRecord, ConversionsRepository } from '../conversions.repository';
import { conversionTestedEvent } from '../conversion-events';

export interface TestConversionCommand {
  handle: string;
  requestId: string;
  campaignId: string;
  eventType: string | null;
  value: number;
  currency: string;
  metadata: Record<string, unknown>;
}

export type TestConversionResult = { ok: true; record: ConversionRecord } | { ok: false; error: 'campaign_not_found' };

/**
 * Seed 000 step 4: a test conversion for a campaign of this handle. Stored with test=true and
 * status `test`, announced as conversion.tested (never conversion.recorded), so it never reaches
 * real analytics; it takes no part in order-id dedupe or click attribution.
 */
@Injectable()
export class TestConversion {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignsRepository,
    private readonly conversions: ConversionsRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(command: TestConversionCommand): Promise<TestConversionResult> {
    const result = await this.db.transaction(async (tx): Promise<TestConversionResult> => {
      const campaign = await this.campaigns.find(tx, command.handle, command.campaignId);
      if (!campaign) return { ok: false, error: 'campaign_not_found' };
      const createdAt = new Date();
      const record = await this.conversions.insert(tx, {
        conversionId: newEventId(),
        handle: command.handle,
        campaignId: campaign.campaignId,
        clickId: null,
        visitorId: null,
        orderId: null,
        eventType: command.eventType ?? campaign.eventType,
        value: command.value,
        currency: command.currency,
        metadata: { ...command.metadata, test: true },
        test: true,
        status: 'test',
        statusReason: null,
        duplicateOf: null,
        createdAt,
      });
      await this.outbox.append(tx, TOPICS.conversions, command.handle, conversionTestedEvent(record, command.requestId));
      return { ok: true, record };
    });
    if (result.ok) this.outbox.wake();
    return result;
  }
}
