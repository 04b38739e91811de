import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus } from '../../domain';

/** campaign.activated v1 — DRAFT or PAUSED → ACTIVE. Published on TOPICS.campaignEvents. */
export class CampaignActivatedV1 {
  static readonly type = 'campaign.activated';
  static readonly version = 1;
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsIn(CAMPAIGN_STATUSES) previousStatus!: CampaignStatus;
}

/** campaign.paused v1 — ACTIVE → PAUSED. Published on TOPICS.campaignEvents. */
export class CampaignPausedV1 {
  static readonly type = 'campaign.paused';
  static readonly version = 1;
  @Matches(CAMPAIGN_ID_PATTERN) campaignId!: string;
  @IsIn(CAMPAIGN_STATUSES) previousStatus!: CampaignStatus;
}

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

/** link.deleted v1 — the link is gone; the link-snapshots topic gets a tombstone. */
export class LinkDeletedV1 {
  static readonly type = 'link.deleted';
  static readonly version = 1;
  @IsString() slug!: string;
}
