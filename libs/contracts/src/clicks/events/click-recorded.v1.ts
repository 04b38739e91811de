import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { DEVICE_CLASSES, DeviceClass } from '../click';

/** click.recorded v1 — one accepted redirect of a link whose campaign was ACTIVE. aggregateId = clickId. */
export class ClickRecordedV1 {
  static readonly type = 'click.recorded';
  static readonly version = 1;
  @IsUUID() clickId!: string;
  @IsString() campaignId!: string;
  @IsString() linkSlug!: string;
  @IsString() @MaxLength(128) visitorId!: string;
  @IsString() @MaxLength(1024) userAgent!: string;
  @IsString() @MaxLength(2048) referrer!: string;
  /** utm_source when present (lower case), else the referrer classified: search, social, email, referral, or "direct". */
  @IsString() @MaxLength(256) source!: string;
  /** ISO 3166-1 alpha-2, or "" when unknown. */
  @IsString() @Length(0, 2) country!: string;
  @IsIn(DEVICE_CLASSES) device!: DeviceClass;
  /** Browser family from the user agent (ua-parser-js), e.g. "Mobile Safari"; "" when unknown. Absent in clicks recorded before it was added. */
  @IsOptional() @IsString() @MaxLength(64) browser?: string;
  /** Operating system from the user agent (ua-parser-js), e.g. "iOS"; "" when unknown. Absent in clicks recorded before it was added. */
  @IsOptional() @IsString() @MaxLength(64) os?: string;
  @IsBoolean() isBot!: boolean;
  @IsOptional() @IsString() botReason!: string | null;
  @IsOptional() @IsString() variantId!: string | null;
}
