import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CAMPAIGN_ID_PATTERN, DEVICE_CLASSES, DeviceClass, SLUG_PATTERN } from './domain';
import { ATTRIBUTION_MODELS, AttributionModel } from './events/campaign/campaign-attribution';

/** Control-plane vocabulary (issue: lifecycle, rules, tokens) shared by the gateway and the campaign-service. */

// ---- personal access tokens ----

export const PAT_SCOPES = [
  'campaigns.read',
  'campaigns.write',
  'analytics.read',
  'analytics.*',
  'pages.read',
  'pages.write',
  'conversions.write',
] as const;
export type PatScope = (typeof PAT_SCOPES)[number];

/** Every PAT starts with this, so a leaked one is easy to recognise (and to scan for). */
export const PAT_PREFIX = 'fnl_pat_';

/** True when `granted` covers `required`: an exact match, or a `<family>.*` wildcard of its family. */
export function scopeGrants(granted: readonly string[], required: string): boolean {
  const family = required.split('.')[0];
  return granted.includes(required) || granted.includes(`${family}.*`);
}

export class CreateTokenBody {
  @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @IsArray() @ArrayMaxSize(PAT_SCOPES.length) @ArrayUnique() @IsIn(PAT_SCOPES, { each: true }) scopes!: PatScope[];
  /** ISO 8601 instant in the future; omitted = never expires. */
  @IsOptional() @IsDateString() expiresAt?: string;
}

export interface TokenView {
  tokenId: string;
  name: string;
  scopes: string[];
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
  /** Only in the reply to POST .../tokens; never stored, never shown again. */
  token?: string;
}

export class VerifyTokenBody {
  @IsString() @MaxLength(200) token!: string;
}

export interface VerifiedToken {
  tokenId: string;
  handle: string;
  scopes: string[];
}

// ---- campaigns ----

export const MAX_PAGE_SIZE = 100;

export class PageQuery {
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE) limit?: number;
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

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class ListLinksQuery extends PageQuery {
  @IsOptional() @IsString() @Matches(CAMPAIGN_ID_PATTERN) campaignId?: string;
}

// ---- personalization rules ----

/** ISO 3166-1 alpha-2, officially assigned codes. */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' '),
);

export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const RULE_LIST_MAX = 50;
export const RULE_PRIORITY_MIN = 0;
export const RULE_PRIORITY_MAX = 10000;

const upper = ({ value }: { value: unknown }): unknown => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.toUpperCase() : v)) : value);
const lower = ({ value }: { value: unknown }): unknown => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)) : value);

/** Seed 000 writes device classes upper case (MOBILE); the platform's classes are lower case, so input is normalized. */
export class RuleWhenDto {
  @IsOptional() @IsArray() @ArrayMaxSize(RULE_LIST_MAX) @ArrayUnique() @Matches(CAMPAIGN_ID_PATTERN, { each: true }) campaignIn?: string[];
  @IsOptional() @Transform(lower) @IsArray() @ArrayMaxSize(DEVICE_CLASSES.length) @ArrayUnique() @IsIn(DEVICE_CLASSES, { each: true })
  deviceIn?: DeviceClass[];
  @IsOptional() @Transform(upper) @IsArray() @ArrayMaxSize(RULE_LIST_MAX) @ArrayUnique()
  @IsIn([...COUNTRY_CODES], { each: true, message: 'countryIn must hold ISO 3166-1 alpha-2 codes' })
  countryIn?: string[];
  @IsOptional() @Transform(lower) @IsArray() @ArrayMaxSize(RULE_LIST_MAX) @ArrayUnique() @Matches(/^[a-z0-9_.-]{1,64}$/, { each: true })
  sourceIn?: string[];
}

export class RuleVariantDto {
  @IsString() @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/) id!: string;
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'destinationUrl must be an absolute http(s) URL' })
  destinationUrl!: string;
}

/** PUT body; the ruleId comes from the path (a body ruleId must match it). */
export class PutRuleBody {
  @IsOptional() @IsString() @Matches(RULE_ID_PATTERN) ruleId?: string;
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsInt() @Min(RULE_PRIORITY_MIN) @Max(RULE_PRIORITY_MAX) priority!: number;
  /** Absent or `{}`: the rule matches every click. */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RuleWhenDto) when?: RuleWhenDto;
  @IsObject() @ValidateNested() @Type(() => RuleVariantDto) variant!: RuleVariantDto;
}

export interface RuleView {
  ruleId: string;
  handle: string;
  enabled: boolean;
  priority: number;
  when: { campaignIn?: string[]; deviceIn?: DeviceClass[]; countryIn?: string[]; sourceIn?: string[] };
  variant: { id: string; destinationUrl: string };
  version: number;
  createdAt: string;
  updatedAt: string;
}

// ---- webhooks (owned by the conversion-service; used by campaign health) ----

export interface WebhookListResult {
  webhooks: Array<{ webhookId: string; url: string; events: string[]; enabled: boolean }>;
}
