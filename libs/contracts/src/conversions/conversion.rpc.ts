import { Type } from 'class-transformer';
import { defineRpc } from '../rpc/define-rpc';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { CONVERSION_STATUSES, ConversionStatusName, ConversionStatusReason, IsBoundedMetadata, IsCurrencyCode } from './conversion';

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

export class ListConversionsQuery {
  @IsOptional() @IsIn(CONVERSION_STATUSES) status?: ConversionStatusName;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

export interface ConversionListView<T> {
  items: T[];
  /** How many conversions of this handle have the requested status (all statuses when none given). */
  total: number;
  nextCursor: string | null;
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

/** Conversion requests, answered by the conversion-service. */
export const CONVERSION_RPC = {
  /** Params: `idempotencyKey` when the client sent one. */
  conversionRecord: defineRpc('funnel.rpc.conversion.record', RecordConversionBody)<ConversionView>(),
  /** Params: `campaignId`. */
  conversionTest: defineRpc('funnel.rpc.conversion.test', TestConversionBody)<ConversionView>(),
  conversionList: defineRpc('funnel.rpc.conversion.list', ListConversionsQuery)<ConversionListView<ConversionView>>(),
} as const;
