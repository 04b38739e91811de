import { Transform, Type } from 'class-transformer';
import { defineRpc, EmptyBody } from '../rpc/define-rpc';
import { PageQuery } from '../rpc/page';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CAMPAIGN_ID_PATTERN } from '../campaigns/campaign';
import { DEVICE_CLASSES, DeviceClass } from '../clicks/click';
import { COUNTRY_CODES, RULE_ID_PATTERN, RULE_LIST_MAX, RULE_PRIORITY_MAX, RULE_PRIORITY_MIN } from './rule';

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

/** Personalization-rule requests, answered by the campaign-service. Path ids travel in params (`ruleId`). */
export const RULE_RPC = {
  rulePut: defineRpc('funnel.rpc.rule.put', PutRuleBody)<RuleView>(),
  ruleGet: defineRpc('funnel.rpc.rule.get', EmptyBody)<RuleView>(),
  ruleDelete: defineRpc('funnel.rpc.rule.delete', EmptyBody)<{ deleted: true; ruleId: string; version: number }>(),
  ruleList: defineRpc('funnel.rpc.rule.list', PageQuery)<{ rules: RuleView[]; nextCursor: string | null }>(),
} as const;
