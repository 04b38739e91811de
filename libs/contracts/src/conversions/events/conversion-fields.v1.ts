import { IsBoolean, IsNumber, IsObject, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';

export class ConversionFieldsV1 {
  @IsUUID() conversionId!: string;
  /** null when the conversion could not be attributed to a campaign. */
  @IsOptional() @IsString() campaignId!: string | null;
  @IsOptional() @IsString() clickId!: string | null;
  @IsOptional() @IsString() orderId!: string | null;
  @IsString() eventType!: string;
  @IsNumber() @Min(0) value!: number;
  @IsString() @Length(3, 3) currency!: string;
  @IsObject() metadata!: Record<string, unknown>;
  @IsBoolean() test!: boolean;
  /**
   * The personalization variant that served the credited click (its click.recorded `variantId`),
   * which is the conversion's analytics segment: null when that click had no variant; absent when
   * the emitter does not know it (no credited click, as for a test conversion, or a click stored
   * before its variant was kept). Optional, so events without it stay valid.
   */
  @IsOptional() @IsString() clickVariantId?: string | null;
}
