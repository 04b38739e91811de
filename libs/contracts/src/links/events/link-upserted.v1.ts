import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, ValidateNested } from 'class-validator';
import { TRACKING_MODES, TrackingMode } from '../link';

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
