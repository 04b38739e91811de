import { Injectable } from '@nestjs/common';
import { newEventId, WEBHOOK_TEST_EVENT, WebhookDeliveryView } from '@funnel/contracts';
import { WebhooksRepository } from '../webhooks.repository';
import { WebhookDispatcher } from '../webhook-dispatcher';
import { toDeliveryView } from '../webhook-views';

export type SendWebhookTestResult = { ok: true; delivery: WebhookDeliveryView } | { ok: false; error: 'webhook_not_found' | 'webhook_disabled' };

/**
 * "Send a test event": a synthetic `webhook.test` event queued for this subscription only, and
 * sent like any other (signed, retried, logged), whatever events it subscribed to.
 */
@Injectable()
export class SendWebhookTest {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async execute(handle: string, webhookId: string, now: Date = new Date()): Promise<SendWebhookTestResult> {
    const subscription = await this.webhooks.get(handle, webhookId);
    if (!subscription) return { ok: false, error: 'webhook_not_found' };
    if (!subscription.enabled) return { ok: false, error: 'webhook_disabled' };
    const eventId = newEventId();
    const body = JSON.stringify({
      id: eventId,
      type: WEBHOOK_TEST_EVENT,
      createdAt: now.toISOString(),
      data: { webhookId, handle, message: 'This is a test event; no conversion or campaign changed.' },
    });
    const delivery = await this.webhooks.insertDelivery({ deliveryId: newEventId(), subscriptionId: webhookId, handle, eventId, eventType: WEBHOOK_TEST_EVENT, body });
    this.dispatcher.wake();
    return { ok: true, delivery: toDeliveryView(delivery) };
  }
}
