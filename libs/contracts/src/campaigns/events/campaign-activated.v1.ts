import { IsIn, Matches } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus } from '../campaign';

/** campaign.activated v1 — DRAFT or PAUSED → ACTIVE. Published on TOPICS.campaignEvents. */
export class CampaignActivatedV1 {
  static readonly type = 'campaign.activated';
  static readonly version = 1;
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsIn(CAMPAIGN_STATUSES) previousStatus!: CampaignStatus;
}
