import { Module } from '@nestjs/common';
import { CampaignWebhookEventsConsumer } from './campaign-webhook-events.consumer';
import { dnsResolver } from './url-safety';
import { CreateWebhook, HOST_RESOLVER } from './use-cases/create-webhook';
import { EnqueueWebhookDeliveries } from './use-cases/enqueue-webhook-deliveries';
import { QueryWebhooks } from './use-cases/query-webhooks';
import { RedeliverWebhook } from './use-cases/redeliver-webhook';
import { SendWebhookTest } from './use-cases/send-webhook-test';
import { UpdateWebhook } from './use-cases/update-webhook';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEventsConsumer } from './webhook-events.consumer';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';

@Module({
  controllers: [WebhooksController],
  providers: [
    { provide: HOST_RESOLVER, useValue: dnsResolver },
    CreateWebhook,
    UpdateWebhook,
    QueryWebhooks,
    SendWebhookTest,
    RedeliverWebhook,
    EnqueueWebhookDeliveries,
    WebhookSecrets,
    WebhookSender,
    WebhookDispatcher,
    WebhookEventsConsumer,
    CampaignWebhookEventsConsumer,
  ],
})
export class WebhooksModule {}
