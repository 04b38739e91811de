import { Injectable } from '@nestjs/common';
import { Tx } from '../infra/database';

export interface CampaignRow {
  handle: string;
  campaignId: string;
  status: string;
  eventType: string;
  cookieDurationDays: number;
  version: number;
  updatedAt: Date;
}

@Injectable()
export class CampaignsRepository {
  /** Keeps the highest version: an older or repeated snapshot (redelivery, compaction replay) changes nothing. */
  async upsert(tx: Tx, row: CampaignRow): Promise<boolean> {
    const changed = await tx.$executeRaw`
      INSERT INTO campaigns (handle, campaign_id, status, event_type, cookie_duration_days, version, updated_at)
      VALUES (${row.handle}, ${row.campaignId}, ${row.status}, ${row.eventType}, ${row.cookieDurationDays}, ${row.version}, ${row.updatedAt})
      ON CONFLICT (handle, campaign_id) DO UPDATE SET
        status = EXCLUDED.status, event_type = EXCLUDED.event_type,
        cookie_duration_days = EXCLUDED.cookie_duration_days, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
      WHERE campaigns.version < EXCLUDED.version`;
    return changed > 0;
  }

  async remove(tx: Tx, handle: string, campaignId: string): Promise<void> {
    await tx.campaign.deleteMany({ where: { handle, campaignId } });
  }

  async find(tx: Tx, handle: string, campaignId: string): Promise<CampaignRow | null> {
    return tx.campaign.findUnique({ where: { handle_campaignId: { handle, campaignId } } });
  }
}
