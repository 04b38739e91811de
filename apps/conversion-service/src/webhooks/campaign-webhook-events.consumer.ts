import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { IsIn, Matches } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus, parseEnvelope, peekEventType, TOPICS } from '@funnel/contracts';
import { ConsumedMessage, dlq, drop, EventConsumer, ok, Outcome, retry } from '@funnel/kafka';
import { KAFKA } from '../infra/kafka.providers';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../infra/service-options';
import { EnqueueWebhookDeliveries } from './use-cases/enqueue-webhook-deliveries';

/** Payload of campaign.activated v1 / campaign.paused v1 as campaign-service publishes them. */
export class CampaignLifecyclePayload {
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsIn(CAMPAIGN_STATUSES) previousStatus!: CampaignStatus;
}

/** The campaign events subscribers can receive; every other campaign/link event is dropped here. */
export const CAMPAIGN_WEBHOOK_EVENTS = [
  { type: 'campaign.activated', version: 1 },
  { type: 'campaign.paused', version: 1 },
] as const;

/** campaign-events topic → webhook_deliveries rows for campaign.activated / campaign.paused. */
@Injectable()
export class CampaignWebhookEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CampaignWebhookEventsConsumer.name);
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
    private readonly enqueue: EnqueueWebhookDeliveries,
  ) {
    this.consumer = new EventConsumer({
      kafka,
      groupId: `${options.groupId}-campaign-webhooks`,
      topics: [TOPICS.campaignEvents],
      handler: (message) => this.handle(message),
      logger: this.logger,
    });
  }

  async handle(message: ConsumedMessage): Promise<Outcome> {
    const peeked = peekEventType(message.value);
    if (!peeked) return dlq('not an event envelope');
    if (!CAMPAIGN_WEBHOOK_EVENTS.some((e) => e.type === peeked.type)) return drop(`${peeked.type} is not a webhook event`);
    // A version this code does not know is parked, not skipped: it needs an upcaster.
    const known = CAMPAIGN_WEBHOOK_EVENTS.find((e) => e.type === peeked.type && e.version === peeked.version);
    if (!known) return dlq(`unsupported ${peeked.type} v${peeked.version}`);
    const parsed = parseEnvelope(message.value, { type: known.type, version: known.version, payload: CampaignLifecyclePayload });
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
