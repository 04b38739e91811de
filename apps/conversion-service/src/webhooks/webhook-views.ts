import { WebhookAttemptView, WebhookDeliveryView, WebhookDetailView, WebhookEvent } from '@funnel/contracts';
import { WebhookSubscription } from '../generated/prisma/client';
import { DeliveryWithAttempts } from './webhooks.repository';

/** A subscription as the API shows it: never its secret. */
export function toWebhookDetailView(row: WebhookSubscription): WebhookDetailView {
  return {
    webhookId: row.webhookId,
    handle: row.handle,
    url: row.url,
    events: row.events as WebhookEvent[],
    enabled: row.enabled,
    consecutiveFailures: row.consecutiveFailures,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toDeliveryView(row: DeliveryWithAttempts): WebhookDeliveryView {
  return {
    deliveryId: row.deliveryId,
    webhookId: row.subscriptionId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    attemptLog: row.attemptLog.map(
      (a): WebhookAttemptView => ({
        attemptNo: a.attemptNo,
        statusCode: a.statusCode,
        latencyMs: a.latencyMs,
        error: a.error,
        responseBody: a.responseBody,
        attemptedAt: a.attemptedAt.toISOString(),
      }),
    ),
  };
}
