import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus, GOAL_TYPES, GoalType } from '../../domain';

/**
 * How the conversion-service credits a conversion found by visitorId: the visitor's latest click in
 * the cookie window (LAST_CLICK, the default) or the earliest (FIRST_CLICK).
 */
export const ATTRIBUTION_MODELS = ['LAST_CLICK', 'FIRST_CLICK'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];
export const DEFAULT_ATTRIBUTION_MODEL: AttributionModel = 'LAST_CLICK';

export function isAttributionModel(value: unknown): value is AttributionModel {
  return typeof value === 'string' && (ATTRIBUTION_MODELS as readonly string[]).includes(value);
}

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
