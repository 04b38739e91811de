import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { ConversionRecordedV1, ConversionTestedV1, parseEnvelope, peekEventType, TOPICS } from '@funnel/contracts';
import { ConsumedMessage, dlq, drop, EventConsumer, ok, Outcome, retry } from '@funnel/kafka';
import { KAFKA } from '../infra/kafka.providers';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../infra/service-options';
import { EnqueueWebhookDeliveries } from './use-cases/enqueue-webhook-deliveries';

const EVENT_CLASSES = [ConversionRecordedV1, ConversionTestedV1] as const;

/** conversions topic → webhook_deliveries rows (the dispatcher sends them). */
@Injectable()
export class WebhookEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookEventsConsumer.name);
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
    private readonly enqueue: EnqueueWebhookDeliveries,
  ) {
    this.consumer = new EventConsumer({
      kafka,
      groupId: `${options.groupId}-webhooks`,
      topics: [TOPICS.conversions],
      handler: (message) => this.handle(message),
      logger: this.logger,
    });
  }

  async handle(message: ConsumedMessage): Promise<Outcome> {
    const peeked = peekEventType(message.value);
    if (!peeked) return dlq('not an event envelope');
    if (!EVENT_CLASSES.some((c) => c.type === peeked.type)) return drop(`${peeked.type} is not a webhook event`);
    // A version this code does not know is parked, not skipped: it needs an upcaster.
    const eventClass = EVENT_CLASSES.find((c) => c.type === peeked.type && c.version === peeked.version);
    if (!eventClass) return dlq(`unsupported ${peeked.type} v${peeked.version}`);
    const parsed = parseEnvelope<ConversionRecordedV1 | ConversionTestedV1>(message.value, {
      type: eventClass.type,
      version: eventClass.version,
      payload: eventClass,
    });
    if (!parsed.ok) return dlq(parsed.error);
    try {
      await this.enqueue.execute(parsed.envelope);
      return ok;
    } catch (e) {
      return retry(`enqueueing webhook deliveries failed: ${(e as Error).message}`);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }
}
