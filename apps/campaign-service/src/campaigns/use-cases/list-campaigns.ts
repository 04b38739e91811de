import { Injectable } from '@nestjs/common';
import { CampaignView, ListCampaignsQuery, RpcReply, rpcOk } from '@funnel/contracts';
import { toCampaignView } from '../campaign';
import { CampaignRepository } from '../campaign.repository';

export interface ListCampaignsCommand {
  handle: string;
  query: ListCampaignsQuery;
}

@Injectable()
export class ListCampaigns {
  constructor(private readonly campaigns: CampaignRepository) {}

  async execute({ handle, query }: ListCampaignsCommand): Promise<RpcReply<{ campaigns: CampaignView[] }>> {
    const campaigns = await this.campaigns.list(handle, query.status);
    return rpcOk({ campaigns: campaigns.map(toCampaignView) });
  }
}
