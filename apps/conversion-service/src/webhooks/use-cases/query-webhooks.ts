import { Injectable } from '@nestjs/common';
import { WebhookDeliveryListView, WebhookDeliveryStatusName, WebhookDetailView } from '@funnel/contracts';
import { WebhooksRepository } from '../webhooks.repository';
import { toDeliveryView, toWebhookDetailView } from '../webhook-views';

/** Reads and deletes of a handle's subscriptions and their delivery log; another handle's ids are not found. */
@Injectable()
export class QueryWebhooks {
  constructor(private readonly webhooks: WebhooksRepository) {}

  async list(handle: string): Promise<{ webhooks: WebhookDetailView[] }> {
    return { webhooks: (await this.webhooks.list(handle)).map(toWebhookDetailView) };
  }

  async get(handle: string, webhookId: string): Promise<WebhookDetailView | null> {
    const row = await this.webhooks.get(handle, webhookId);
    return row ? toWebhookDetailView(row) : null;
  }

  delete(handle: string, webhookId: string): Promise<boolean> {
    return this.webhooks.delete(handle, webhookId);
  }

  async deliveries(
    handle: string,
    webhookId: string,
    filter: { status?: WebhookDeliveryStatusName; limit: number; cursor?: string },
  ): Promise<WebhookDeliveryListView | null> {
    if (!(await this.webhooks.get(handle, webhookId))) return null;
    const rows = await this.webhooks.deliveries(handle, webhookId, { status: filter.status, limit: filter.limit, before: filter.cursor });
    return { items: rows.map(toDeliveryView), nextCursor: rows.length === filter.limit ? rows[rows.length - 1].deliveryId : null };
  }
}
