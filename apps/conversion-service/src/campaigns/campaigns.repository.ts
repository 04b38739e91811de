import { Injectable } from '@nestjs/common';
import { Tx } from '../platform/database';
import { AttributionModel, CampaignFacts } from '../conversions/attribution';

export interface CampaignRow {
  handle: string;
  campaignId: string;
  status: string;
  eventType: string;
  cookieDurationDays: number;
  attributionModel: AttributionModel;
  version: number;
  updatedAt: Date;
}

/** Campaign columns as read by a join, where a missing campaign gives nulls. */
export function toCampaignFacts(row: { status: string | null; eventType: string | null; cookieDurationDays: number | null; attributionModel: string | null }): CampaignFacts | null {
  if (row.status === null || row.eventType === null || row.cookieDurationDays === null) return null;
  return {
    status: row.status,
    eventType: row.eventType,
    cookieDurationDays: row.cookieDurationDays,
    attributionModel: row.attributionModel === 'FIRST_CLICK' ? 'FIRST_CLICK' : 'LAST_CLICK',
  };
}

@Injectable()
export class CampaignsRepository {
  /** Keeps the highest version: an older or repeated snapshot (redelivery, compaction replay) changes nothing. */
  async upsert(tx: Tx, row: CampaignRow): Promise<boolean> {
    const changed = await tx.$executeRaw`
      INSERT INTO campaigns (handle, campaign_id, status, event_type, cookie_duration_days, attribution_model, version, updated_at)
      VALUES (${row.handle}, ${row.campaignId}, ${row.status}, ${row.eventType}, ${row.cookieDurationDays}, ${row.attributionModel}, ${row.version}, ${row.updatedAt})
      ON CONFLICT (handle, campaign_id) DO UPDATE SET
        status = EXCLUDED.status, event_type = EXCLUDED.event_type, cookie_duration_days = EXCLUDED.cookie_duration_days,
        attribution_model = EXCLUDED.attribution_model, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
      WHERE campaigns.version < EXCLUDED.version`;
    return changed > 0;
  }

  async remove(tx: Tx, handle: string, campaignId: string): Promise<void> {
    await tx.campaign.deleteMany({ where: { handle, campaignId } });
  }

  async find(tx: Tx, handle: string, campaignId: string): Promise<CampaignRow | null> {
    const row = await tx.campaign.findUnique({ where: { handle_campaignId: { handle, campaignId } } });
    return row ? { ...row, attributionModel: row.attributionModel === 'FIRST_CLICK' ? 'FIRST_CLICK' : 'LAST_CLICK' } : null;
  }

  /** Whether some campaign of the handle uses this event type (ingestion accepts those and the standard ones). */
  async usesEventType(tx: Tx, handle: string, eventType: string): Promise<boolean> {
    return (await tx.campaign.findFirst({ where: { handle, eventType }, select: { campaignId: true } })) !== null;
  }
}
