import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ATTRIBUTION_MODELS, AttributionModel, CAMPAIGN_ID_PATTERN } from '../campaign';

/**
 * campaign.updated v3 — a PATCH: the fields that changed (absent = unchanged). v3 adds
 * `attributionModel`; v1 and v2 events stay readable as they were.
 */
export class CampaignUpdatedV3 {
  static readonly type = 'campaign.updated';
  static readonly version = 3;
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsOptional() @IsString() @MaxLength(200) name?: string | null;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsString() trackingPreset?: string;
  @IsOptional() @IsString() eventType?: string;
  @IsOptional() @IsString() primarySlug?: string | null;
  @IsOptional() @IsInt() @Min(0) @Max(365) cookieDurationDays?: number;
  @IsOptional() @IsIn(ATTRIBUTION_MODELS) attributionModel?: AttributionModel;
}
