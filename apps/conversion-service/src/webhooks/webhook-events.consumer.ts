import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { ConversionRecordedV1, ConversionTestedV1, TOPICS } from '@funnel/contracts';
import { ConsumedMessage, EventConsumer, HostedConsumer, Outcome } from '@funnel/kafka';
import { KAFKA } from '../platform/kafka.providers';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../platform/service-options';
import { EnqueueWebhookDeliveries } from './use-cases/enqueue-webhook-deliveries';
import { enqueueWebhookEvent } from './webhook-event-handler';

const EVENT_CLASSES = [ConversionRecordedV1, ConversionTestedV1] as const;

/** conversions topic → webhook_deliveries rows (the dispatcher sends them). */
@Injectable()
export class WebhookEventsConsumer extends HostedConsumer {
  private readonly logger = new Logger(WebhookEventsConsumer.name);
  protected readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
    private readonly enqueue: EnqueueWebhookDeliveries,
  ) {
    super();
    this.consumer = new EventConsumer({
      kafka,
      groupId: `${options.groupId}-webhooks`,
      topics: [TOPICS.conversions],
      handler: (message) => this.handle(message),
      logger: this.logger,
    });
  }

  handle(message: ConsumedMessage): Promise<Outcome> {
    return enqueueWebhookEvent(message, EVENT_CLASSES, this.enqueue);
  }
}
