import { IsIn, Matches } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus } from '../campaign';

/** campaign.paused v1 — ACTIVE → PAUSED. Published on TOPICS.campaignEvents. */
export class CampaignPausedV1 {
  static readonly type = 'campaign.paused';
  static readonly version = 1;
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsIn(CAMPAIGN_STATUSES) previousStatus!: CampaignStatus;
}
