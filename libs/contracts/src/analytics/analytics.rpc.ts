import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { defineRpc } from '../rpc/define-rpc';
import { AnalyticsQuery, BotReasonResult, SegmentResult, SeriesResult } from './analytics';
import { CAMPAIGN_ID_PATTERN } from '../campaigns/campaign';

export interface FunnelView {
  campaignId: string;
  clicks: number;
  qualifiedClicks: number;
  conversions: number;
  revenue: number;
  confidence: number;
  breakdown: {
    source: Array<{ source: string; count: number }>;
    country: Array<{ country: string; count: number }>;
    device: Array<{ device: string; count: number }>;
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
}

/** Analytics requests, answered by the analytics projector; the body is the gateway's resolved query. */
export const ANALYTICS_RPC = {
  analyticsFunnel: defineRpc('funnel.rpc.analytics.funnel', FunnelRpcBody)<FunnelResult>(),
  /** The projector checks the query asks for the groupBy view. */
  analyticsGroupBy: defineRpc('funnel.rpc.analytics.group-by', AnalyticsQuery)<SegmentResult | BotReasonResult>(),
  /** The gateway sends explicit from/to; the projector checks the query asks for the series view. */
  analyticsSeries: defineRpc('funnel.rpc.analytics.series', AnalyticsQuery)<SeriesResult>(),
} as const;
