import { Injectable } from '@nestjs/common';
import { WebhookDeliveryStatusName, WebhookEvent } from '@funnel/contracts';
import { Database, Tx } from '../platform/database';
import { Prisma, WebhookAttempt, WebhookDelivery, WebhookSubscription } from '../generated/prisma/client';
import { NextStep } from './retry-schedule';

export interface NewDelivery {
  deliveryId: string;
  subscriptionId: string;
  handle: string;
  eventId: string;
  eventType: string;
  body: string;
}

/** A delivery leased to this dispatcher, with what sending it needs. */
export interface ClaimedDelivery {
  deliveryId: string;
  subscriptionId: string;
  handle: string;
  eventId: string;
  body: string;
  attempts: number;
  roundStart: number;
  url: string;
  secret: string;
  enabled: boolean;
}

export interface AttemptRecord {
  deliveryId: string;
  attemptNo: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseBody: string | null;
  attemptedAt: Date;
}

export type DeliveryWithAttempts = WebhookDelivery & { attemptLog: WebhookAttempt[] };

export interface WebhookPatch {
  url?: string;
  events?: WebhookEvent[];
  enabled?: boolean;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: Database) {}

  /**
   * Creates the subscription unless the handle already holds `limit` of them (then null, nothing
   * written). Creations of one handle are serialised by a transaction-scoped advisory lock, so two
   * concurrent ones cannot both take the last slot.
   */
  create(
    subscription: { webhookId: string; handle: string; url: string; events: WebhookEvent[]; enabled: boolean; secret: string },
    limit: number,
  ): Promise<WebhookSubscription | null> {
    return this.db.transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`limit:webhooks:${subscription.handle}`}))`;
      if ((await tx.webhookSubscription.count({ where: { handle: subscription.handle } })) >= limit) return null;
      return tx.webhookSubscription.create({ data: subscription });
    });
  }

  list(handle: string): Promise<WebhookSubscription[]> {
    return this.db.webhookSubscription.findMany({ where: { handle }, orderBy: { createdAt: 'asc' } });
  }

  /** Scoped by handle: another tenant's id is simply not found. */
  get(handle: string, webhookId: string): Promise<WebhookSubscription | null> {
    return this.db.webhookSubscription.findFirst({ where: { handle, webhookId } });
  }

  /**
   * Enabling clears the failure count and the reason the service disabled it; disabling by the
   * owner records when, with no reason (the reason field is for automatic disabling).
   */
  async update(handle: string, webhookId: string, patch: WebhookPatch, now: Date = new Date()): Promise<WebhookSubscription | null> {
    const data: Prisma.WebhookSubscriptionUpdateManyMutationInput = { updatedAt: now };
    if (patch.url !== undefined) data.url = patch.url;
    if (patch.events !== undefined) data.events = patch.events;
    if (patch.enabled === true) Object.assign(data, { enabled: true, consecutiveFailures: 0, disabledReason: null, disabledAt: null });
    if (patch.enabled === false) Object.assign(data, { enabled: false, disabledReason: null, disabledAt: now });
    const { count } = await this.db.webhookSubscription.updateMany({ where: { handle, webhookId }, data });
    return count ? this.get(handle, webhookId) : null;
  }

  /** Deletes the subscription with its deliveries and their attempts (foreign keys cascade). */
  async delete(handle: string, webhookId: string): Promise<boolean> {
    const { count } = await this.db.webhookSubscription.deleteMany({ where: { handle, webhookId } });
    return count > 0;
  }

  /**
   * Enabled subscriptions of the handle to this event type that existed when the event occurred:
   * a subscription never receives what happened before it (a replayed or late event included).
   */
  async subscribersFor(tx: Tx, handle: string, eventType: string, occurredAt: Date): Promise<string[]> {
    const rows = await tx.webhookSubscription.findMany({
      where: { handle, enabled: true, events: { has: eventType }, createdAt: { lte: occurredAt } },
      select: { webhookId: true },
    });
    return rows.map((r) => r.webhookId);
  }

  /** UNIQUE (subscription_id, event_id) + ON CONFLICT DO NOTHING: a redelivered event creates nothing new. */
  async insertDeliveries(tx: Tx, deliveries: NewDelivery[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    const { count } = await tx.webhookDelivery.createMany({ data: deliveries, skipDuplicates: true });
    return count;
  }

  async insertDelivery(delivery: NewDelivery): Promise<DeliveryWithAttempts> {
    return this.db.webhookDelivery.create({ data: delivery, include: { attemptLog: true } });
  }

  /** A subscription's deliveries, newest first; the cursor is the last delivery id of the previous page (UUIDv7). */
  deliveries(handle: string, webhookId: string, filter: { status?: WebhookDeliveryStatusName; limit: number; before?: string }): Promise<DeliveryWithAttempts[]> {
    return this.db.webhookDelivery.findMany({
      where: { handle, subscriptionId: webhookId, ...(filter.status ? { status: filter.status } : {}), ...(filter.before ? { deliveryId: { lt: filter.before } } : {}) },
      orderBy: { deliveryId: 'desc' },
      take: filter.limit,
      include: { attemptLog: { orderBy: { attemptNo: 'asc' } } },
    });
  }

  /**
   * Manual redelivery: the delivery (same event id, same body) becomes due now with a fresh retry
   * budget (a new round starts after the attempts made so far). Not while it is pending already.
   */
  async redeliver(handle: string, webhookId: string, deliveryId: string): Promise<'not_found' | 'pending' | DeliveryWithAttempts> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ status: string; attempts: number }>>`
        SELECT status::text, attempts FROM webhook_deliveries
        WHERE delivery_id = ${deliveryId}::uuid AND subscription_id = ${webhookId}::uuid AND handle = ${handle}
        FOR UPDATE`;
      if (rows.length === 0) return 'not_found';
      if (rows[0].status === 'pending') return 'pending';
      return tx.webhookDelivery.update({
        where: { deliveryId },
        data: { status: 'pending', roundStart: rows[0].attempts, nextAttemptAt: new Date(), deliveredAt: null },
        include: { attemptLog: { orderBy: { attemptNo: 'asc' } } },
      });
    });
  }

  /**
   * Leases due deliveries, fairly: each handle gets at most `perHandle[handle] ?? perHandleDefault`
   * of them (its free slots in the caller), earliest due first within a handle, and the handles take
   * turns (the first due of every handle before the second of any). SKIP LOCKED lets several
   * dispatchers (instances) share the work, and moving next_attempt_at forward by the lease keeps
   * others off while this one sends. If the process dies mid-send, the lease expires and the
   * delivery is tried again.
   */
  claimDue(limit: number, leaseMs: number, perHandleDefault: number, perHandle: ReadonlyMap<string, number> = new Map()): Promise<ClaimedDelivery[]> {
    const handles = [...perHandle.keys()];
    const slots = handles.map((h) => perHandle.get(h) ?? 0);
    return this.db.$queryRaw<ClaimedDelivery[]>`
      WITH ranked AS (
        SELECT delivery_id, handle, next_attempt_at,
               row_number() OVER (PARTITION BY handle ORDER BY next_attempt_at, delivery_id) AS turn
        FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now()
      ), allowed AS (
        SELECT r.delivery_id, r.turn, r.next_attempt_at
        FROM ranked r
        LEFT JOIN unnest(${handles}::text[], ${slots}::int[]) AS busy(handle, slots) ON busy.handle = r.handle
        WHERE r.turn <= COALESCE(busy.slots, ${perHandleDefault}::int)
      ), due AS (
        SELECT d.delivery_id FROM webhook_deliveries d
        JOIN allowed a ON a.delivery_id = d.delivery_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
        ORDER BY a.turn, a.next_attempt_at
        LIMIT ${limit}
        FOR UPDATE OF d SKIP LOCKED
      )
      UPDATE webhook_deliveries d
      SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}::double precision)
      FROM due, webhook_subscriptions s
      WHERE d.delivery_id = due.delivery_id AND s.webhook_id = d.subscription_id
      RETURNING d.delivery_id::text AS "deliveryId", d.subscription_id::text AS "subscriptionId", d.handle, d.event_id::text AS "eventId",
                d.body, d.attempts, d.round_start AS "roundStart", s.url, s.secret, s.enabled`;
  }

  /**
   * Logs the attempt, moves the delivery to its next state and keeps the subscription's run of
   * failures, in one transaction. A run reaching `disableAfter` disables the subscription with the
   * reason. Returns whether this attempt disabled it. `countsAsFailure` is false for attempts that
   * never reached the receiver because the subscription was already disabled.
   */
  async recordAttempt(attempt: AttemptRecord, next: NextStep, subscription: { webhookId: string; disableAfter: number; countsAsFailure: boolean }): Promise<{ disabled: boolean }> {
    return this.db.transaction(async (tx) => {
      await tx.webhookAttempt.create({ data: attempt });
      const { count } = await tx.webhookDelivery.updateMany({
        // The attempt count guards against recording twice if a lease ever expired mid-send.
        where: { deliveryId: attempt.deliveryId, attempts: attempt.attemptNo - 1 },
        data: {
          attempts: attempt.attemptNo,
          status: next.status,
          lastAttemptAt: attempt.attemptedAt,
          ...(next.status === 'pending' ? { nextAttemptAt: new Date(attempt.attemptedAt.getTime() + next.delayMs) } : {}),
          ...(next.status === 'delivered' ? { deliveredAt: attempt.attemptedAt } : {}),
        },
      });
      if (count === 0) return { disabled: false };
      if (next.status === 'delivered') {
        await tx.webhookSubscription.updateMany({ where: { webhookId: subscription.webhookId, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0 } });
        return { disabled: false };
      }
      if (!subscription.countsAsFailure) return { disabled: false };
      const reason = `disabled after ${subscription.disableAfter} consecutive failed delivery attempts; last: ${attempt.statusCode ?? attempt.error ?? 'no answer'}`;
      const rows = await tx.$queryRaw<Array<{ disabled: boolean }>>`
        UPDATE webhook_subscriptions SET
          consecutive_failures = consecutive_failures + 1,
          enabled = CASE WHEN enabled AND consecutive_failures + 1 >= ${subscription.disableAfter} THEN false ELSE enabled END,
          disabled_reason = CASE WHEN enabled AND consecutive_failures + 1 >= ${subscription.disableAfter} THEN ${reason} ELSE disabled_reason END,
          disabled_at = CASE WHEN enabled AND consecutive_failures + 1 >= ${subscription.disableAfter} THEN ${attempt.attemptedAt} ELSE disabled_at END,
          updated_at = CASE WHEN enabled AND consecutive_failures + 1 >= ${subscription.disableAfter} THEN ${attempt.attemptedAt} ELSE updated_at END
        WHERE webhook_id = ${subscription.webhookId}::uuid
        RETURNING (enabled = false AND disabled_at = ${attempt.attemptedAt}) AS disabled`;
      return { disabled: rows[0]?.disabled ?? false };
    });
  }
}
