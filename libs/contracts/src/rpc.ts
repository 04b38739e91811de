import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  CAMPAIGN_ID_PATTERN,
  CAMPAIGN_STATUSES,
  CampaignStatus,
  GOAL_TYPES,
  GoalType,
  Role,
  TRACKING_MODES,
  TrackingMode,
  WEBHOOK_EVENTS,
  WebhookEvent,
} from './domain';
import { ConversionStatusName, ConversionStatusReason, IsBoundedMetadata, IsCurrencyCode } from './conversion-api';
import { ATTRIBUTION_MODELS, AttributionModel } from './events/campaign/campaign-attribution';

export * from './control-plane';
export * from './events/campaign/campaign-lifecycle.v1';
export * from './events/campaign/campaign-attribution';
export * from './events/rule/rule.v1';
export * from './events/token/token.v1';

/**
 * Request-reply between the gateway and the owning services over Kafka (@nestjs/microservices).
 * The pattern is the request topic; replies go to `<pattern>.reply`.
 */
export const RPC = {
  campaignCreate: 'funnel.rpc.campaign.create',
  campaignList: 'funnel.rpc.campaign.list',
  campaignHealth: 'funnel.rpc.campaign.health',
  campaignGet: 'funnel.rpc.campaign.get',
  campaignUpdate: 'funnel.rpc.campaign.update',
  campaignActivate: 'funnel.rpc.campaign.activate',
  campaignPause: 'funnel.rpc.campaign.pause',
  linkPut: 'funnel.rpc.link.put',
  linkGet: 'funnel.rpc.link.get',
  linkDelete: 'funnel.rpc.link.delete',
  linkList: 'funnel.rpc.link.list',
  rulePut: 'funnel.rpc.rule.put',
  ruleGet: 'funnel.rpc.rule.get',
  ruleDelete: 'funnel.rpc.rule.delete',
  ruleList: 'funnel.rpc.rule.list',
  tokenCreate: 'funnel.rpc.token.create',
  tokenList: 'funnel.rpc.token.list',
  tokenRevoke: 'funnel.rpc.token.revoke',
  /** Body VerifyTokenBody → VerifiedToken; 401 invalid_token when unknown, revoked or expired. */
  tokenVerify: 'funnel.rpc.token.verify',
  conversionRecord: 'funnel.rpc.conversion.record',
  conversionTest: 'funnel.rpc.conversion.test',
  webhookCreate: 'funnel.rpc.webhook.create',
  webhookGet: 'funnel.rpc.webhook.get',
  webhookUpdate: 'funnel.rpc.webhook.update',
  webhookDelete: 'funnel.rpc.webhook.delete',
  webhookTest: 'funnel.rpc.webhook.test',
  webhookDeliveries: 'funnel.rpc.webhook.deliveries',
  webhookRedeliver: 'funnel.rpc.webhook.redeliver',
  conversionList: 'funnel.rpc.conversion.list',
  /** Owned by the conversion-service: the handle's webhooks → WebhookListResult (used by campaign health). */
  webhookList: 'funnel.rpc.webhook.list',
  analyticsFunnel: 'funnel.rpc.analytics.funnel',
  analyticsGroupBy: 'funnel.rpc.analytics.group-by',
  analyticsSeries: 'funnel.rpc.analytics.series',
} as const;

export type RpcPattern = (typeof RPC)[keyof typeof RPC];

export const RPC_TOPICS: readonly string[] = Object.values(RPC).flatMap((p) => [p, `${p}.reply`]);

export interface Actor {
  sub: string;
  role: Role;
}

/** Every request carries the tenant, who asks, and the request id for tracing. */
export interface RpcRequest<TBody = Record<string, never>, TParams = Record<string, string>> {
  handle: string;
  requestId: string;
  actor: Actor;
  params: TParams;
  body: TBody;
}

export interface FieldError {
  field: string;
  message: string;
  code: string;
}

/** An error in the seed 001 envelope's terms; `error` keeps seed 000 codes such as campaign_not_found. */
export interface RpcError {
  status: number;
  error: string;
  message: string;
  fields?: FieldError[];
  /** Extra facts about the error, e.g. `{ currentStatus: 'DRAFT' }` on an illegal lifecycle transition. */
  details?: Record<string, unknown>;
}

export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: RpcError };

export function rpcOk<T>(data: T): RpcReply<T> {
  return { ok: true, data };
}

export function rpcFail(
  status: number,
  error: string,
  message: string,
  fields?: FieldError[],
  details?: Record<string, unknown>,
): RpcReply<never> {
  return { ok: false, error: { status, error, message, ...(fields ? { fields } : {}), ...(details ? { details } : {}) } };
}

/**
 * Params the gateway adds for a conditional write: `ifMatch` is the aggregate version from the
 * If-Match header (its ETag); a write whose aggregate is at another version answers 412.
 */
export const IF_MATCH_PARAM = 'ifMatch';

// ---- request bodies (also the gateway's HTTP DTOs) ----

export class TrackingPolicyDto {
  @IsIn(TRACKING_MODES) mode!: TrackingMode;
  @IsBoolean() appendContextParam!: boolean;
}

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

export class PutLinkBody {
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'destinationUrl must be an absolute http(s) URL' })
  destinationUrl!: string;
  @IsOptional() @IsString() @Matches(CAMPAIGN_ID_PATTERN) campaignId?: string;
  @IsOptional() @ValidateNested() @Type(() => TrackingPolicyDto) trackingPolicy?: TrackingPolicyDto;
}

export class TestConversionBody {
  @IsOptional() @IsString() @Matches(/^[a-z0-9_.]{1,64}$/) eventType?: string;
  @IsNumber({ maxDecimalPlaces: 4, allowNaN: false, allowInfinity: false }) @Min(0) @Max(1e12) value!: number;
  @IsString() @IsCurrencyCode() currency!: string;
  @IsOptional() @IsObject() @IsBoundedMetadata() metadata?: Record<string, unknown>;
}

export class RecordConversionBody {
  @IsString() @Matches(/^[a-z0-9_.]{1,64}$/) eventType!: string;
  @IsNumber({ maxDecimalPlaces: 4, allowNaN: false, allowInfinity: false }) @Min(0) @Max(1e12) value!: number;
  @IsString() @IsCurrencyCode() currency!: string;
  @IsOptional() @IsString() @Length(1, 128) clickId?: string;
  /** Used when there is no clickId: the visitor's clicks within the campaign's cookie window. */
  @IsOptional() @IsString() @Length(1, 128) visitorId?: string;
  @IsOptional() @IsString() @Length(1, 128) orderId?: string;
  @IsOptional() @IsObject() @IsBoundedMetadata() metadata?: Record<string, unknown>;
}

export class CreateWebhookBody {
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an absolute http(s) URL' })
  url!: string;
  @ArrayMinSize(1) @ArrayMaxSize(WEBHOOK_EVENTS.length) @ArrayUnique() @IsIn(WEBHOOK_EVENTS, { each: true }) events!: WebhookEvent[];
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export class FunnelQuery {
  @IsIn(['true']) funnel!: 'true';
  @IsOptional() @IsString() @Matches(CAMPAIGN_ID_PATTERN) campaignId?: string;
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

export interface LinkView {
  slug: string;
  handle: string;
  destinationUrl: string;
  campaignId: string | null;
  trackingPolicy: { mode: TrackingMode; appendContextParam: boolean };
  shortUrl: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type CheckStatus = 'PASS' | 'WARN' | 'FAIL';

export interface HealthView {
  campaignId: string;
  checks: Array<{ name: string; status: CheckStatus; detail: string }>;
  readiness: 'READY' | 'NOT_READY';
}

export interface ConversionView {
  conversionId: string;
  handle: string;
  campaignId: string | null;
  clickId: string | null;
  visitorId: string | null;
  orderId: string | null;
  eventType: string;
  /** The amount and currency as posted (never converted). */
  value: number;
  currency: string;
  metadata: Record<string, unknown>;
  test: boolean;
  /**
   * counted: attributed and part of analytics; duplicate: orderId seen before; unattributed: no
   * click found (yet); not_counted: attributed to a campaign that does not count it (paused, other
   * event type); test: a test conversion.
   */
  status: ConversionStatusName;
  /** Why it is not counted; null when counted or a test. */
  statusReason: ConversionStatusReason | null;
  createdAt: string;
}

export interface WebhookView {
  webhookId: string;
  handle: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  createdAt: string;
  /** Shown once, on creation only. */
  secret?: string;
}


export interface FunnelView {
  campaignId: string;
  clicks: number;
  qualifiedClicks: number;
  conversions: number;
  revenue: number;
  confidence: number;
  breakdown: {
    source: Array<{ source: string; count: number }>;
    country: Array<{ country: string; count: number }>;
    device: Array<{ device: string; count: number }>;
  };
  lastSeenAt: string | null;
}

export interface FunnelResult {
  /** Present only when no campaignId was given: the funnel across all campaigns of the handle. */
  aggregate?: Omit<FunnelView, 'campaignId'> & { campaignId: null };
  funnel: FunnelView[];
}
