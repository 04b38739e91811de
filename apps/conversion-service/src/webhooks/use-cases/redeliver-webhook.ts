import { Injectable } from '@nestjs/common';
import { WebhookDeliveryView } from '@funnel/contracts';
import { WebhooksRepository } from '../webhooks.repository';
import { WebhookDispatcher } from '../webhook-dispatcher';
import { toDeliveryView } from '../webhook-views';

export type RedeliverResult =
  | { ok: true; delivery: WebhookDeliveryView }
  | { ok: false; error: 'webhook_not_found' | 'delivery_not_found' | 'webhook_disabled' | 'delivery_pending' };

/**
 * Manual redelivery of a past event (delivered or failed): the same body and event id (receivers
 * dedupe by webhook-id), a fresh signature per attempt, and a fresh retry budget.
 */
@Injectable()
export class RedeliverWebhook {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async execute(handle: string, webhookId: string, deliveryId: string): Promise<RedeliverResult> {
    const subscription = await this.webhooks.get(handle, webhookId);
    if (!subscription) return { ok: false, error: 'webhook_not_found' };
    if (!subscription.enabled) return { ok: false, error: 'webhook_disabled' };
    const result = await this.webhooks.redeliver(handle, webhookId, deliveryId);
    if (result === 'not_found') return { ok: false, error: 'delivery_not_found' };
    if (result === 'pending') return { ok: false, error: 'delivery_pending' };
    this.dispatcher.wake();
    return { ok: true, delivery: toDeliveryView(result) };
  }
}
