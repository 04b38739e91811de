import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus, DeviceClass, GOAL_TYPES, GoalType, TRACKING_MODES, TrackingMode } from '../../domain';

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

export class TrackingPolicyV1 {
  @IsIn(TRACKING_MODES) mode!: TrackingMode;
  @IsBoolean() appendContextParam!: boolean;
}

/** link.upserted v1 — a short link created or replaced (PUT semantics). */
export class LinkUpsertedV1 {
  static readonly type = 'link.upserted';
  static readonly version = 1;
  @IsString() slug!: string;
  @IsString() destinationUrl!: string;
  @IsOptional() @IsString() campaignId!: string | null;
  @ValidateNested() @Type(() => TrackingPolicyV1) trackingPolicy!: TrackingPolicyV1;
}

/** Value of the compacted link-snapshots topic (key `${handle}/${slug}`); what the redirect edge serves. */
export interface LinkSnapshotV1 {
  schema: 'link-snapshot.v1';
  handle: string;
  slug: string;
  destinationUrl: string;
  campaignId: string | null;
  trackingPolicy: { mode: TrackingMode; appendContextParam: boolean };
  version: number;
  updatedAt: string;
}

/** Value of the compacted campaign-snapshots topic (key `${handle}/${campaignId}`). */
export interface CampaignSnapshotV1 {
  schema: 'campaign-snapshot.v1';
  handle: string;
  campaignId: string;
  status: CampaignStatus;
  goalType: GoalType;
  eventType: string;
  primarySlug: string | null;
  cookieDurationDays: number;
  /** Optional (added later, backward compatible): absent means LAST_CLICK. */
  attributionModel?: 'LAST_CLICK' | 'FIRST_CLICK';
  version: number;
  updatedAt: string;
}

/**
 * Value of the compacted rule-snapshots topic (key `${handle}/${ruleId}`): a personalization rule
 * as the redirect edge evaluates it (seed 000). Absent condition lists match everything; device
 * classes are the lower-case DEVICE_CLASSES, countries ISO 3166-1 alpha-2 upper case, sources lower case.
 */
export interface RuleSnapshotV1 {
  schema: 'rule-snapshot.v1';
  handle: string;
  ruleId: string;
  enabled: boolean;
  /** Higher first; ties broken by ruleId ascending. */
  priority: number;
  when: {
    campaignIn?: string[];
    deviceIn?: DeviceClass[];
    countryIn?: string[];
    sourceIn?: string[];
  };
  variant: { id: string; destinationUrl: string };
  version: number;
  updatedAt: string;
}

export function snapshotKey(handle: string, id: string): string {
  return `${handle}/${id}`;
}
