/** click.recorded is deliberately not offered: see docs/conversion-service.md (Webhooks, events). */
export const WEBHOOK_EVENTS = ['conversion.recorded', 'conversion.tested', 'campaign.activated', 'campaign.paused'] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Path ids of webhook routes: UUIDs. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The type of the synthetic event sent by "send a test event". */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export type WebhookDeliveryStatusName = 'pending' | 'delivered' | 'failed';
