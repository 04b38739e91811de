import { Injectable } from '@nestjs/common';
import { WebhookEvent } from '@funnel/contracts';
import { Database, Tx } from '../infra/database';
import { WebhookSubscription } from '../generated/prisma/client';
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
  eventId: string;
  body: string;
  attempts: number;
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

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: Database) {}

  create(subscription: { webhookId: string; handle: string; url: string; events: WebhookEvent[]; enabled: boolean; secret: string }): Promise<WebhookSubscription> {
    return this.db.webhookSubscription.create({ data: subscription });
  }

  async subscribersFor(tx: Tx, handle: string, eventType: string): Promise<string[]> {
    const rows = await tx.webhookSubscription.findMany({
      where: { handle, enabled: true, events: { has: eventType } },
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

  /**
   * Leases due deliveries: SKIP LOCKED lets several dispatchers (instances) share the work, and
   * moving next_attempt_at forward by the lease keeps others off while this one sends. If the
   * process dies mid-send, the lease expires and the delivery is tried again.
   */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.db.$queryRaw<ClaimedDelivery[]>`
      WITH due AS (
        SELECT delivery_id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE webhook_deliveries d
      SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}::double precision)
      FROM due, webhook_subscriptions s
      WHERE d.delivery_id = due.delivery_id AND s.webhook_id = d.subscription_id
      RETURNING d.delivery_id::text AS "deliveryId", d.event_id::text AS "eventId", d.body, d.attempts,
                s.url, s.secret, s.enabled`;
  }

  /** Logs the attempt and moves the delivery to its next state in one transaction. */
  async recordAttempt(attempt: AttemptRecord, next: NextStep): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.webhookAttempt.create({ data: attempt });
      await tx.webhookDelivery.updateMany({
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
    });
  }
}
