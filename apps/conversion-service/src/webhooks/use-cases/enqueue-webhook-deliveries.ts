import { Injectable } from '@nestjs/common';
import { Envelope, newEventId } from '@funnel/contracts';
import { Database } from '../../platform/database';
import { WebhooksRepository } from '../webhooks.repository';
import { WebhookDispatcher } from '../webhook-dispatcher';

/** The JSON every subscriber receives; stored as text so every attempt sends (and signs) the same bytes. */
export function webhookBody(envelope: Envelope<object>): string {
  return JSON.stringify({ id: envelope.eventId, type: envelope.type, createdAt: envelope.occurredAt, data: envelope.payload });
}

/** One delivery per enabled subscription of the event's handle that subscribed to its type before the event occurred. */
@Injectable()
export class EnqueueWebhookDeliveries {
  constructor(
    private readonly db: Database,
    private readonly webhooks: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async execute(envelope: Envelope<object>): Promise<number> {
    const created = await this.db.transaction(async (tx) => {
      const subscribers = await this.webhooks.subscribersFor(tx, envelope.handle, envelope.type, new Date(envelope.occurredAt));
      const body = webhookBody(envelope);
      return this.webhooks.insertDeliveries(
        tx,
        subscribers.map((subscriptionId) => ({
          deliveryId: newEventId(),
          subscriptionId,
          handle: envelope.handle,
          eventId: envelope.eventId,
          eventType: envelope.type,
          body,
        })),
      );
    });
    if (created) this.dispatcher.wake();
    return created;
  }
}
