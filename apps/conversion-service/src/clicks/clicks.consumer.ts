import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { ClickRecordedV1, readEnvelopes, TOPICS } from '@funnel/contracts';
import { ConsumedMessage, dlq, EventConsumer, HostedConsumer, ok, Outcome, retry } from '@funnel/kafka';
import { KAFKA } from '../platform/kafka.providers';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../platform/service-options';
import { NewClick } from './clicks.repository';
import { RecordClicks } from './use-cases/record-clicks';

const CLICK_EVENT = { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 };

/**
 * click.recorded → this service's `clicks` table, one transaction per partition batch. A message
 * is one click or a batch of them (the redirect edge batches, see encodeEventBatch).
 */
@Injectable()
export class ClicksConsumer extends HostedConsumer {
  private readonly logger = new Logger(ClicksConsumer.name);
  protected readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
    private readonly recordClicks: RecordClicks,
  ) {
    super();
    this.consumer = new EventConsumer({
      kafka,
      groupId: options.groupId,
      topics: [TOPICS.clicks],
      batchHandler: (messages) => this.handle(messages),
      logger: this.logger,
    });
  }

  async handle(messages: ConsumedMessage[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const clicks = new Map<string, NewClick>();
    for (const message of messages) {
      // parseEnvelopes' verdict at a fraction of its cost (see readEnvelopes): clicks are the volume.
      const parsed = readEnvelopes(message.value, CLICK_EVENT);
      if (!parsed.ok) {
        outcomes.push(dlq(parsed.error));
        continue;
      }
      for (const envelope of parsed.envelopes) {
        clicks.set(envelope.payload.clickId, {
          clickId: envelope.payload.clickId,
          handle: envelope.handle,
          campaignId: envelope.payload.campaignId,
          visitorId: envelope.payload.visitorId,
          occurredAt: new Date(envelope.occurredAt),
          isBot: envelope.payload.isBot,
          variantId: envelope.payload.variantId ?? null,
        });
      }
      outcomes.push(ok);
    }
    try {
      await this.recordClicks.execute([...clicks.values()]);
    } catch (e) {
      return [retry(`storing ${clicks.size} clicks failed: ${(e as Error).message}`)];
    }
    return outcomes;
  }
}
