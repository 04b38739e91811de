import { Injectable } from '@nestjs/common';
import { CampaignPage, ListCampaignsQuery, ok, Result } from '@funnel/contracts';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, invalidCursor } from '../../platform/rpc/cursor';
import { toCampaignView } from '../campaign';
import { CampaignRepository } from '../campaign.repository';

export interface ListCampaignsCommand {
  handle: string;
  query: ListCampaignsQuery;
}

/** Newest first, keyset-paginated on (createdAt, campaignId) so pages stay stable while campaigns are added. */
@Injectable()
export class ListCampaigns {
  constructor(private readonly campaigns: CampaignRepository) {}

  async execute({ handle, query }: ListCampaignsCommand): Promise<Result<CampaignPage>> {
    const cursor = decodeCursor(query.cursor, 2);
    if (!cursor.ok) return cursor;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = cursor.key ? { createdAt: new Date(cursor.key[0]), campaignId: cursor.key[1] } : undefined;
    if (after && Number.isNaN(after.createdAt.getTime())) return invalidCursor();
    const rows = await this.campaigns.list(handle, { status: query.status, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return ok({
      campaigns: page.map(toCampaignView),
      nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.campaignId]) : null,
    });
  }
}
