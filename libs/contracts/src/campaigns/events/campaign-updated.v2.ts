import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CAMPAIGN_ID_PATTERN } from '../campaign';

/**
 * campaign.updated v2 — a PATCH: the fields that changed (absent = unchanged). v2 adds
 * `description`; v1 events stay readable as they were.
 */
export class CampaignUpdatedV2 {
  static readonly type = 'campaign.updated';
  static readonly version = 2;
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsOptional() @IsString() @MaxLength(200) name?: string | null;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsString() trackingPreset?: string;
  @IsOptional() @IsString() eventType?: string;
  @IsOptional() @IsString() primarySlug?: string | null;
  @IsOptional() @IsInt() @Min(0) @Max(365) cookieDurationDays?: number;
}
