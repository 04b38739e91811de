import { Injectable } from '@nestjs/common';
import { Database } from '../../platform/database';
import { CampaignsRepository } from '../campaigns.repository';
import { SnapshotMessage } from '../campaign-snapshot.message';

/** Applies snapshots in topic order in one transaction; the highest version of a campaign wins. */
@Injectable()
export class ApplyCampaignSnapshots {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignsRepository,
  ) {}

  async execute(messages: SnapshotMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const m of messages) {
        if (m.kind === 'tombstone') {
          await this.campaigns.remove(tx, m.handle, m.campaignId);
          continue;
        }
        const s = m.snapshot;
        await this.campaigns.upsert(tx, {
          handle: s.handle,
          campaignId: s.campaignId,
          status: s.status,
          eventType: s.eventType,
          cookieDurationDays: s.cookieDurationDays,
          attributionModel: s.attributionModel ?? 'LAST_CLICK',
          version: s.version,
          updatedAt: new Date(s.updatedAt),
        });
      }
    });
  }
}
