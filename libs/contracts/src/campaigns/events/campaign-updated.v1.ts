import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus } from '../campaign';

/** campaign.updated v1 — the fields that changed, by name (absent = unchanged). */
export class CampaignUpdatedV1 {
  static readonly type = 'campaign.updated';
  static readonly version = 1;
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsOptional() @IsString() name?: string | null;
  @IsOptional() @IsIn(CAMPAIGN_STATUSES) status?: CampaignStatus;
  @IsOptional() @IsString() trackingPreset?: string;
  @IsOptional() @IsString() eventType?: string;
  @IsOptional() @IsString() primarySlug?: string | null;
  @IsOptional() @IsInt() @Min(0) @Max(365) cookieDurationDays?: number;
}
