import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ATTRIBUTION_MODELS, AttributionModel, CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus, GOAL_TYPES, GoalType } from '../campaign';

/**
 * campaign.created v2 — v1 plus the campaign's `attributionModel` (always set). v1 events stay
 * readable as they were and mean LAST_CLICK.
 */
export class CampaignCreatedV2 {
  static readonly type = 'campaign.created';
  static readonly version = 2;
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsOptional() @IsString() name!: string | null;
  @IsIn(GOAL_TYPES) goalType!: GoalType;
  @IsIn(CAMPAIGN_STATUSES) status!: CampaignStatus;
  @IsString() trackingPreset!: string;
  @IsString() eventType!: string;
  @IsOptional() @IsString() primarySlug!: string | null;
  @IsInt() @Min(0) @Max(365) cookieDurationDays!: number;
  @IsIn(ATTRIBUTION_MODELS) attributionModel!: AttributionModel;
}
