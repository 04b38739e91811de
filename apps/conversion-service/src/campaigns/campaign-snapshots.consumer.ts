import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { TOPICS } from '@funnel/contracts';
import { ConsumedMessage, dlq, EventConsumer, HostedConsumer, ok, Outcome, retry } from '@funnel/kafka';
import { KAFKA } from '../platform/kafka.providers';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../platform/service-options';
import { parseSnapshotMessage, SnapshotMessage } from './campaign-snapshot.message';
import { ApplyCampaignSnapshots } from './use-cases/apply-campaign-snapshots';

/**
 * The compacted campaign-snapshots topic → `campaigns` table, so this service knows each
 * campaign's event type and cookie window without reading campaign-service's tables.
 */
@Injectable()
export class CampaignSnapshotsConsumer extends HostedConsumer {
  private readonly logger = new Logger(CampaignSnapshotsConsumer.name);
  protected readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
    private readonly apply: ApplyCampaignSnapshots,
  ) {
    super();
    this.consumer = new EventConsumer({
      kafka,
      groupId: `${options.groupId}-campaigns`,
      topics: [TOPICS.campaignSnapshots],
      batchHandler: (messages) => this.handle(messages),
      logger: this.logger,
    });
  }

  async handle(messages: ConsumedMessage[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const valid: SnapshotMessage[] = [];
    for (const message of messages) {
      const parsed = parseSnapshotMessage(message.key, message.value);
      if (!parsed.ok) {
        outcomes.push(dlq(parsed.error));
        continue;
      }
      valid.push(parsed.message);
      outcomes.push(ok);
    }
    try {
      await this.apply.execute(valid);
    } catch (e) {
      return [retry(`applying ${valid.length} campaign snapshots failed: ${(e as Error).message}`)];
    }
    return outcomes;
  }
}
