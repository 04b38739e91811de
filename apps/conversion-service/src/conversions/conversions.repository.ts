import { Injectable } from '@nestjs/common';
import { Tx } from '../platform/database';
import { Conversion, ConversionStatus, Prisma } from '../generated/prisma/client';
import { ConversionStatusReason } from '@funnel/contracts';
import { CampaignFacts, ClickVariant } from './attribution';
import { toCampaignFacts } from '../campaigns/campaigns.repository';
import { storedVariant } from '../clicks/clicks.repository';

export interface ConversionRecord {
  conversionId: string;
  handle: string;
  campaignId: string | null;
  clickId: string | null;
  visitorId: string | null;
  orderId: string | null;
  eventType: string;
  value: number;
  currency: string;
  metadata: Record<string, unknown>;
  test: boolean;
  status: ConversionStatus;
  statusReason: ConversionStatusReason | null;
  duplicateOf: string | null;
  createdAt: Date;
  attributedAt: Date | null;
}

/** An unattributed conversion whose click is now known, with what attribution needs. */
export interface PendingConversion {
  conversionId: string;
  createdAt: Date;
  eventType: string;
  clickId: string;
  clickCampaignId: string;
  clickOccurredAt: Date;
  /** The click's variant, for the event (undefined: not known, the click predates variants). */
  clickVariantId: ClickVariant;
  campaign: CampaignFacts | null;
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  /** The key was used before: by the same body (`conversionId` to answer with) or another one. */
  | { kind: 'used'; sameRequest: boolean; conversionId: string | null };

export type PendingFilter = { clickIds: string[] } | { createdSince: Date };

function toRecord(row: Conversion): ConversionRecord {
  return {
    ...row,
    value: row.value.toNumber(),
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    statusReason: row.statusReason as ConversionStatusReason | null,
  };
}

@Injectable()
export class ConversionsRepository {
  /**
   * Claims (handle, orderId) for `conversionId` and returns the conversion that owns it. The
   * primary key makes a concurrent claim wait for the first transaction and then conflict, so
   * exactly one of any number of concurrent posts owns an order id.
   */
  async claimOrderId(tx: Tx, handle: string, orderId: string, conversionId: string): Promise<string> {
    const inserted = await tx.$queryRaw<Array<{ conversion_id: string }>>`
      INSERT INTO conversion_order_keys (handle, order_id, conversion_id)
      VALUES (${handle}, ${orderId}, ${conversionId}::uuid)
      ON CONFLICT (handle, order_id) DO NOTHING
      RETURNING conversion_id::text`;
    if (inserted.length) return inserted[0].conversion_id;
    const owner = await tx.conversionOrderKey.findUniqueOrThrow({ where: { handle_orderId: { handle, orderId } }, select: { conversionId: true } });
    return owner.conversionId;
  }

  /**
   * Claims (handle, key) for a request whose body hashes to `requestHash`. Like the order id, the
   * primary key makes a concurrent request with the same key wait until the first commits (or
   * rolls back, in which case this one claims it).
   */
  async claimIdempotencyKey(tx: Tx, handle: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const inserted = await tx.$executeRaw`
      INSERT INTO idempotency_keys (handle, key, request_hash) VALUES (${handle}, ${key}, ${requestHash})
      ON CONFLICT (handle, key) DO NOTHING`;
    if (inserted) return { kind: 'claimed' };
    const row = await tx.idempotencyKey.findUniqueOrThrow({ where: { handle_key: { handle, key } } });
    return { kind: 'used', sameRequest: row.requestHash === requestHash, conversionId: row.conversionId };
  }

  async completeIdempotencyKey(tx: Tx, handle: string, key: string, conversionId: string): Promise<void> {
    await tx.idempotencyKey.update({ where: { handle_key: { handle, key } }, data: { conversionId } });
  }

  /** Keys are kept for a day: long enough for any client retry, short enough to keep the table small. */
  pruneIdempotencyKeys(tx: Tx, olderThan: Date): Promise<number> {
    return tx.$executeRaw`DELETE FROM idempotency_keys WHERE created_at < ${olderThan}`;
  }

  async findById(tx: Tx, handle: string, conversionId: string): Promise<ConversionRecord | null> {
    const row = await tx.conversion.findFirst({ where: { handle, conversionId } });
    return row ? toRecord(row) : null;
  }

  /** Newest first; the cursor is the last conversion id of the previous page (UUIDv7 sorts by time). */
  async list(tx: Tx, handle: string, filter: { status?: ConversionStatus; limit: number; before?: string }): Promise<{ items: ConversionRecord[]; total: number }> {
    const where: Prisma.ConversionWhereInput = { handle, ...(filter.status ? { status: filter.status } : {}) };
    const [rows, total] = await Promise.all([
      tx.conversion.findMany({
        where: { ...where, ...(filter.before ? { conversionId: { lt: filter.before } } : {}) },
        orderBy: { conversionId: 'desc' },
        take: filter.limit,
      }),
      tx.conversion.count({ where }),
    ]);
    return { items: rows.map(toRecord), total };
  }

  async insert(tx: Tx, record: Omit<ConversionRecord, 'attributedAt'> & { attributedAt?: Date | null }): Promise<ConversionRecord> {
    const row = await tx.conversion.create({
      data: { ...record, metadata: record.metadata as Prisma.InputJsonObject, value: new Prisma.Decimal(record.value) },
    });
    return toRecord(row);
  }

  /**
   * Locks unattributed conversions whose click (same handle) is now stored. SKIP LOCKED: a row
   * another transaction is attributing right now is its business, and two attributors never wait
   * on each other.
   */
  async lockPending(tx: Tx, filter: PendingFilter, limit = 1000): Promise<PendingConversion[]> {
    const where =
      'clickIds' in filter
        ? Prisma.sql`c.click_id = ANY(${filter.clickIds}::text[])`
        : Prisma.sql`c.created_at >= ${filter.createdSince} AND c.click_id IS NOT NULL`;
    const rows = await tx.$queryRaw<
      Array<
        Omit<PendingConversion, 'campaign' | 'clickVariantId'> & {
          clickVariantId: string | null;
          clickVariantKnown: boolean;
          status: string | null;
          campaignEventType: string | null;
          cookieDurationDays: number | null;
          attributionModel: string | null;
        }
      >
    >`
      SELECT c.conversion_id::text AS "conversionId", c.created_at AS "createdAt", c.event_type AS "eventType",
             k.click_id AS "clickId", k.campaign_id AS "clickCampaignId", k.occurred_at AS "clickOccurredAt",
             k.variant_id AS "clickVariantId", k.variant_known AS "clickVariantKnown",
             cp.status, cp.event_type AS "campaignEventType", cp.cookie_duration_days AS "cookieDurationDays",
             cp.attribution_model AS "attributionModel"
      FROM conversions c
      JOIN clicks k ON k.click_id = c.click_id AND k.handle = c.handle
      LEFT JOIN campaigns cp ON cp.handle = k.handle AND cp.campaign_id = k.campaign_id
      WHERE c.status = 'unattributed' AND c.status_reason IS DISTINCT FROM 'outside_window' AND ${where}
      ORDER BY c.created_at
      LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED`;
    return rows.map(({ status, campaignEventType, cookieDurationDays, attributionModel, clickVariantId, clickVariantKnown, ...p }) => ({
      ...p,
      clickVariantId: storedVariant(clickVariantId, clickVariantKnown),
      campaign: toCampaignFacts({ status, eventType: campaignEventType, cookieDurationDays, attributionModel }),
    }));
  }

  /**
   * Locks recent visitor-only conversions no click was found for, so the sweep can look again
   * now that more clicks are stored (SKIP LOCKED, as lockPending).
   */
  async lockPendingVisitors(tx: Tx, createdSince: Date, limit = 1000): Promise<Array<{ conversionId: string; handle: string; visitorId: string; eventType: string; createdAt: Date }>> {
    return tx.$queryRaw`
      SELECT conversion_id::text AS "conversionId", handle, visitor_id AS "visitorId", event_type AS "eventType", created_at AS "createdAt"
      FROM conversions
      WHERE status = 'unattributed' AND status_reason = 'no_click_for_visitor' AND click_id IS NULL
        AND visitor_id IS NOT NULL AND created_at >= ${createdSince}
      ORDER BY created_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
  }

  /** Only for rows locked by lockPending / lockPendingVisitors in the same transaction. */
  async markAttributed(
    tx: Tx,
    conversionId: string,
    outcome: { status: 'counted' | 'not_counted' | 'unattributed'; statusReason: ConversionStatusReason | null; campaignId: string | null; clickId?: string },
    at: Date,
  ): Promise<ConversionRecord> {
    const row = await tx.conversion.update({
      where: { conversionId },
      data: {
        status: outcome.status,
        statusReason: outcome.statusReason,
        campaignId: outcome.campaignId,
        ...(outcome.clickId ? { clickId: outcome.clickId } : {}),
        attributedAt: outcome.status === 'unattributed' ? null : at,
      },
    });
    return toRecord(row);
  }
}
