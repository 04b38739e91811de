import { Injectable } from '@nestjs/common';
import { Tx } from '../infra/database';
import { Conversion, ConversionStatus, Prisma } from '../generated/prisma/client';

export interface ConversionRecord {
  conversionId: string;
  handle: string;
  campaignId: string | null;
  clickId: string | null;
  orderId: string | null;
  eventType: string;
  value: number;
  currency: string;
  metadata: Record<string, unknown>;
  test: boolean;
  status: ConversionStatus;
  duplicateOf: string | null;
  createdAt: Date;
  attributedAt: Date | null;
}

/** An unattributed conversion whose click is now known, with what attribution needs. */
export interface PendingConversion {
  conversionId: string;
  createdAt: Date;
  clickCampaignId: string;
  clickOccurredAt: Date;
  cookieDurationDays: number | null;
}

export type PendingFilter = { clickIds: string[] } | { createdSince: Date };

function toRecord(row: Conversion): ConversionRecord {
  return {
    ...row,
    value: row.value.toNumber(),
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
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
    return tx.$queryRaw<PendingConversion[]>`
      SELECT c.conversion_id::text AS "conversionId", c.created_at AS "createdAt",
             k.campaign_id AS "clickCampaignId", k.occurred_at AS "clickOccurredAt",
             cp.cookie_duration_days AS "cookieDurationDays"
      FROM conversions c
      JOIN clicks k ON k.click_id = c.click_id AND k.handle = c.handle
      LEFT JOIN campaigns cp ON cp.handle = k.handle AND cp.campaign_id = k.campaign_id
      WHERE c.status = 'unattributed' AND ${where}
      ORDER BY c.created_at
      LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED`;
  }

  /** Only for rows locked by lockPending in the same transaction. */
  async markCounted(tx: Tx, conversionId: string, campaignId: string, at: Date): Promise<ConversionRecord> {
    const row = await tx.conversion.update({
      where: { conversionId },
      data: { status: 'counted', campaignId, attributedAt: at },
    });
    return toRecord(row);
  }
}
