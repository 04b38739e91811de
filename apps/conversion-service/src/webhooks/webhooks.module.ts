import { Module } from '@nestjs/common';
import { dnsResolver } from './url-safety';
import { CreateWebhook, HOST_RESOLVER } from './use-cases/create-webhook';
import { EnqueueWebhookDeliveries } from './use-cases/enqueue-webhook-deliveries';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEventsConsumer } from './webhook-events.consumer';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';

@Module({
  controllers: [WebhooksController],
  providers: [
    { provide: HOST_RESOLVER, useValue: dnsResolver },
    CreateWebhook,
    EnqueueWebhookDeliveries,
    WebhookSender,
    WebhookDispatcher,
    WebhookEventsConsumer,
  ],
})
export class WebhooksModule {}
