import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus, GOAL_TYPES, GoalType } from '../campaign';

/** campaign.created v1 — the full initial state of a campaign aggregate. */
export class CampaignCreatedV1 {
  static readonly type = 'campaign.created';
  static readonly version = 1;
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsOptional() @IsString() name!: string | null;
  @IsIn(GOAL_TYPES) goalType!: GoalType;
  @IsIn(CAMPAIGN_STATUSES) status!: CampaignStatus;
  @IsString() trackingPreset!: string;
  @IsString() eventType!: string;
  @IsOptional() @IsString() primarySlug!: string | null;
  @IsInt() @Min(0) @Max(365) cookieDurationDays!: number;
}
