import { Injectable } from '@nestjs/common';
import { CampaignView, ListCampaignsQuery, RpcReply, rpcOk } from '@funnel/contracts';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, invalidCursor } from '../../rpc/cursor';
import { toCampaignView } from '../campaign';
import { CampaignRepository } from '../campaign.repository';

export interface ListCampaignsCommand {
  handle: string;
  query: ListCampaignsQuery;
}

export interface CampaignPage {
  campaigns: CampaignView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Newest first, keyset-paginated on (createdAt, campaignId) so pages stay stable while campaigns are added. */
@Injectable()
export class ListCampaigns {
  constructor(private readonly campaigns: CampaignRepository) {}

  async execute({ handle, query }: ListCampaignsCommand): Promise<RpcReply<CampaignPage>> {
    const cursor = decodeCursor(query.cursor, 2);
    if (!cursor.ok) return cursor.reply;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = cursor.key ? { createdAt: new Date(cursor.key[0]), campaignId: cursor.key[1] } : undefined;
    if (after && Number.isNaN(after.createdAt.getTime())) return invalidCursor();
    const rows = await this.campaigns.list(handle, { status: query.status, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return rpcOk({
      campaigns: page.map(toCampaignView),
      nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.campaignId]) : null,
    });
  }
}
