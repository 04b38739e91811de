import { Type } from 'class-transformer';
import { defineRpc, EmptyBody } from '../rpc/define-rpc';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { SLUG_PATTERN } from '../links/link';
import { ATTRIBUTION_MODELS, AttributionModel, CAMPAIGN_ID_PATTERN, CAMPAIGN_STATUSES, CampaignStatus, GOAL_TYPES, GoalType } from './campaign';

export class CreateCampaignBody {
  @IsOptional() @IsString() @Matches(CAMPAIGN_ID_PATTERN, { message: 'campaignId must match ^[a-z0-9][a-z0-9_-]{2,63}$' })
  campaignId?: string;
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  @IsIn(GOAL_TYPES) goalType!: GoalType;
  @IsOptional() @IsIn(CAMPAIGN_STATUSES) status?: CampaignStatus;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/) primarySlug?: string;
  @IsOptional() @IsString() @Matches(/^[a-z0-9_]{1,64}$/) trackingPreset?: string;
  @IsOptional() @IsString() @Matches(/^[a-z0-9_.]{1,64}$/) eventType?: string;
  @IsOptional() @IsInt() @Min(0) @Max(365) cookieDurationDays?: number;
  /** Omitted = LAST_CLICK; null is refused (it names no model). */
  @ValidateIf((_, v) => v !== undefined) @IsIn(ATTRIBUTION_MODELS) attributionModel?: AttributionModel;
}

export class ListCampaignsQuery {
  @IsOptional() @IsIn(CAMPAIGN_STATUSES) status?: CampaignStatus;
  /** Opaque, from the previous page's nextCursor. */
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class UpdateCampaignBody {
  @IsOptional() @IsString() @MaxLength(200) name?: string | null;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsString() @Matches(/^[a-z0-9_]{1,64}$/) trackingPreset?: string;
  @IsOptional() @IsString() @Matches(/^[a-z0-9_.]{1,64}$/) eventType?: string;
  @IsOptional() @IsString() @Matches(SLUG_PATTERN) primarySlug?: string | null;
  @IsOptional() @IsInt() @Min(0) @Max(365) cookieDurationDays?: number;
  /** Omitted = unchanged; null is refused (unlike name, there is nothing to clear). */
  @ValidateIf((_, v) => v !== undefined) @IsIn(ATTRIBUTION_MODELS) attributionModel?: AttributionModel;
}

// ---- reply payloads ----
export interface CampaignView {
  campaignId: string;
  handle: string;
  name: string | null;
  goalType: GoalType;
  status: CampaignStatus;
  trackingPreset: string;
  eventType: string;
  primarySlug: string | null;
  cookieDurationDays: number;
  description?: string | null;
  /** Added after v1 of this view (like description): the campaign-service always sets it. */
  attributionModel?: AttributionModel;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateCampaignResult {
  campaign: CampaignView;
  quickStart: string[];
}

export type CheckStatus = 'PASS' | 'WARN' | 'FAIL';

export interface HealthView {
  campaignId: string;
  checks: Array<{ name: string; status: CheckStatus; detail: string }>;
  readiness: 'READY' | 'NOT_READY';
}

export interface CampaignPage {
  campaigns: CampaignView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Campaign requests, answered by the campaign-service. Path ids travel in params (`campaignId`). */
export const CAMPAIGN_RPC = {
  campaignCreate: defineRpc('funnel.rpc.campaign.create', CreateCampaignBody)<CreateCampaignResult>(),
  /** The query string travels as the body. */
  campaignList: defineRpc('funnel.rpc.campaign.list', ListCampaignsQuery)<CampaignPage>(),
  campaignHealth: defineRpc('funnel.rpc.campaign.health', EmptyBody)<HealthView>(),
  /** One read of the campaign; also the existence check of the analytics paths (404 campaign_not_found). */
  campaignGet: defineRpc('funnel.rpc.campaign.get', EmptyBody)<CampaignView>(),
  campaignUpdate: defineRpc('funnel.rpc.campaign.update', UpdateCampaignBody)<CampaignView>(),
  campaignActivate: defineRpc('funnel.rpc.campaign.activate', EmptyBody)<CampaignView>(),
  campaignPause: defineRpc('funnel.rpc.campaign.pause', EmptyBody)<CampaignView>(),
} as const;
