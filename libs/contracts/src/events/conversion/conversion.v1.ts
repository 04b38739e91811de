import { IsBoolean, IsNumber, IsObject, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';

class ConversionFieldsV1 {
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
}

/** conversion.recorded v1 — a real, counted conversion. aggregateId = conversionId. */
export class ConversionRecordedV1 extends ConversionFieldsV1 {
  static readonly type = 'conversion.recorded';
  static readonly version = 1;
}

/** conversion.tested v1 — a test conversion (`test: true`); never part of analytics. */
export class ConversionTestedV1 extends ConversionFieldsV1 {
  static readonly type = 'conversion.tested';
  static readonly version = 1;
}
