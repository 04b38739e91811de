import { parseEnvelope, peekEventType } from '@funnel/contracts';
import { ConsumedMessage, dlq, drop, ok, Outcome, retry } from '@funnel/kafka';
import { EnqueueWebhookDeliveries } from './use-cases/enqueue-webhook-deliveries';

/** An event class subscribers may receive (its static type and version name the event). */
export interface WebhookEventClass {
  readonly type: string;
  readonly version: number;
  new (): object;
}

/**
 * One message of a topic whose events may go to webhooks: validated against its event class and
 * turned into delivery rows. Types that are not webhook events are dropped; a known type in a
 * version this code does not know is parked on the DLQ (it needs an upcaster), never skipped.
 */
export async function enqueueWebhookEvent(
  message: ConsumedMessage,
  classes: readonly WebhookEventClass[],
  enqueue: EnqueueWebhookDeliveries,
): Promise<Outcome> {
  const peeked = peekEventType(message.value);
  if (!peeked) return dlq('not an event envelope');
  if (!classes.some((c) => c.type === peeked.type)) return drop(`${peeked.type} is not a webhook event`);
  const eventClass = classes.find((c) => c.type === peeked.type && c.version === peeked.version);
  if (!eventClass) return dlq(`unsupported ${peeked.type} v${peeked.version}`);
  const parsed = parseEnvelope<object>(message.value, { type: eventClass.type, version: eventClass.version, payload: eventClass });
  if (!parsed.ok) return dlq(parsed.error);
  try {
    await enqueue.execute(parsed.envelope);
    return ok;
  } catch (e) {
    return retry(`enqueueing webhook deliveries failed: ${(e as Error).message}`);
  }
}
