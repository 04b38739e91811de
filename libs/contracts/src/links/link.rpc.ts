import { Type } from 'class-transformer';
import { defineRpc, EmptyBody } from '../rpc/define-rpc';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';
import { CAMPAIGN_ID_PATTERN } from '../campaigns/campaign';
import { PageQuery } from '../rpc/page';
import { TRACKING_MODES, TrackingMode } from './link';

// ---- request bodies (also the gateway's HTTP DTOs) ----
export class TrackingPolicyDto {
  @IsIn(TRACKING_MODES) mode!: TrackingMode;
  @IsBoolean() appendContextParam!: boolean;
}

export class PutLinkBody {
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'destinationUrl must be an absolute http(s) URL' })
  destinationUrl!: string;
  @IsOptional() @IsString() @Matches(CAMPAIGN_ID_PATTERN) campaignId?: string;
  @IsOptional() @ValidateNested() @Type(() => TrackingPolicyDto) trackingPolicy?: TrackingPolicyDto;
}

export class ListLinksQuery extends PageQuery {
  @IsOptional() @IsString() @Matches(CAMPAIGN_ID_PATTERN) campaignId?: string;
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

/** Short-link requests, answered by the campaign-service. Path ids travel in params (`slug`). */
export const LINK_RPC = {
  linkPut: defineRpc('funnel.rpc.link.put', PutLinkBody)<LinkView>(),
  linkGet: defineRpc('funnel.rpc.link.get', EmptyBody)<LinkView>(),
  linkDelete: defineRpc('funnel.rpc.link.delete', EmptyBody)<{ deleted: true; slug: string; version: number }>(),
  linkList: defineRpc('funnel.rpc.link.list', ListLinksQuery)<{ links: LinkView[]; nextCursor: string | null }>(),
} as const;
