import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { CampaignActivatedV1, CampaignPausedV1, TOPICS } from '@funnel/contracts';
import { ConsumedMessage, EventConsumer, HostedConsumer, Outcome } from '@funnel/kafka';
import { KAFKA } from '../platform/kafka.providers';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../platform/service-options';
import { EnqueueWebhookDeliveries } from './use-cases/enqueue-webhook-deliveries';
import { enqueueWebhookEvent } from './webhook-event-handler';

/** The campaign events subscribers can receive; every other campaign/link event is dropped here. */
const CAMPAIGN_WEBHOOK_EVENTS = [CampaignActivatedV1, CampaignPausedV1] as const;

/** campaign-events topic → webhook_deliveries rows for campaign.activated / campaign.paused. */
@Injectable()
export class CampaignWebhookEventsConsumer extends HostedConsumer {
  private readonly logger = new Logger(CampaignWebhookEventsConsumer.name);
  protected readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
    private readonly enqueue: EnqueueWebhookDeliveries,
  ) {
    super();
    this.consumer = new EventConsumer({
      kafka,
      groupId: `${options.groupId}-campaign-webhooks`,
      topics: [TOPICS.campaignEvents],
      handler: (message) => this.handle(message),
      logger: this.logger,
    });
  }

  handle(message: ConsumedMessage): Promise<Outcome> {
    return enqueueWebhookEvent(message, CAMPAIGN_WEBHOOK_EVENTS, this.enqueue);
  }
}
