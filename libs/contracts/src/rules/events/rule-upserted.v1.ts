import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { DeviceClass } from '../../clicks/click';

export class RuleWhenV1 {
  @IsOptional() @IsArray() @IsString({ each: true }) campaignIn?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) deviceIn?: DeviceClass[];
  @IsOptional() @IsArray() @IsString({ each: true }) countryIn?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) sourceIn?: string[];
}

export class RuleVariantV1 {
  @IsString() id!: string;
  @IsString() destinationUrl!: string;
}

/** rule.upserted v1 — a personalization rule created or replaced whole (normalized as RuleSnapshotV1 carries it). */
export class RuleUpsertedV1 {
  static readonly type = 'rule.upserted';
  static readonly version = 1;
  @IsString() ruleId!: string;
  @IsBoolean() enabled!: boolean;
  @IsInt() priority!: number;
  @ValidateNested() @Type(() => RuleWhenV1) when!: RuleWhenV1;
  @ValidateNested() @Type(() => RuleVariantV1) variant!: RuleVariantV1;
}
