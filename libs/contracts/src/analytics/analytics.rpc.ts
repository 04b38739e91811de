import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { defineRpc } from '../rpc/define-rpc';
import { AnalyticsQuery, BotReasonResult, MAX_BREAKDOWN_LIMIT, SegmentResult, SeriesResult } from './analytics';
import { CAMPAIGN_ID_PATTERN } from '../campaigns/campaign';

/**
 * One row of a breakdown: a value and its clicks, or the single `other: true` row (value null, so
 * a real value "other" stays distinct) holding the clicks of every value past the top N.
 */
export type BreakdownRow<K extends string> = ({ [key in K]: string } & { count: number }) | ({ [key in K]: null } & { count: number; other: true });

export interface FunnelView {
  campaignId: string;
  clicks: number;
  qualifiedClicks: number;
  conversions: number;
  revenue: number;
  confidence: number;
  /** Top `breakdownLimit` values per dimension (default 20), then an `other` row when values were left out; each list sums to `clicks`. */
  breakdown: {
    source: Array<BreakdownRow<'source'>>;
    country: Array<BreakdownRow<'country'>>;
    device: Array<BreakdownRow<'device'>>;
  };
  lastSeenAt: string | null;
}

export interface FunnelResult {
  /** Present only when no campaignId was given: the funnel across all campaigns of the handle. */
  aggregate?: Omit<FunnelView, 'campaignId'> & { campaignId: null };
  funnel: FunnelView[];
}

/** The body of the funnel RPC: `funnel=true` is implied (the RPC answers funnels only). */
export class FunnelRpcBody {
  @IsOptional() @IsIn(['true']) funnel?: 'true';
  @IsOptional() @IsString() @Matches(CAMPAIGN_ID_PATTERN) campaignId?: string;
  /** Values per breakdown dimension before the `other` row; DEFAULT_BREAKDOWN_LIMIT when absent. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_BREAKDOWN_LIMIT) breakdownLimit?: number;
}

/** Analytics requests, answered by the analytics projector; the body is the gateway's resolved query. */
export const ANALYTICS_RPC = {
  analyticsFunnel: defineRpc('funnel.rpc.analytics.funnel', FunnelRpcBody)<FunnelResult>(),
  /** The projector checks the query asks for the groupBy view. */
  analyticsGroupBy: defineRpc('funnel.rpc.analytics.group-by', AnalyticsQuery)<SegmentResult | BotReasonResult>(),
  /** The gateway sends explicit from/to; the projector checks the query asks for the series view. */
  analyticsSeries: defineRpc('funnel.rpc.analytics.series', AnalyticsQuery)<SeriesResult>(),
} as const;
