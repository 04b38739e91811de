/**
 * Names of the ClickHouse tables the application reads and writes; each is created by the
 * migration named beside it (an integration test checks that they all exist after migrating).
 */
export const CH_TABLES = {
  /** 0001_raw_clicks.sql */
  clicks: 'clicks',
  /** 0002_raw_conversions.sql */
  conversions: 'conversions',
  /** 0003_campaign_clicks_hourly.sql (AggregatingMergeTree: countMerge/sumMerge/maxMerge) */
  campaignClicksHourly: 'campaign_clicks_hourly',
  /** 0006_campaign_breakdown_daily.sql (SummingMergeTree: sum); replaces 0004's campaign_breakdown_hourly */
  campaignBreakdownDaily: 'campaign_breakdown_daily',
  /** 0005_campaign_conversions_hourly.sql (SummingMergeTree: sum) */
  campaignConversionsHourly: 'campaign_conversions_hourly',
  /** 0007_conversion_segments.sql (SummingMergeTree: sum): counted conversions per credited click's variant */
  campaignSegmentConversionsDaily: 'campaign_segment_conversions_daily',
} as const;

export type ChTable = (typeof CH_TABLES)[keyof typeof CH_TABLES];

/** The funnel's dimensions in campaign_breakdown_daily (each sums to the campaign's clicks). */
export const BREAKDOWN_DIMENSIONS = ['source', 'country', 'device'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/**
 * The other dimensions of campaign_breakdown_daily (0006_campaign_breakdown_daily.sql):
 * `segment` (the click's personalization variant, '' without one; sums to clicks) and
 * `bot_reason` (bot clicks only; sums to bot clicks).
 */
export const SEGMENT_DIMENSION = 'segment' as const;
export const BOT_REASON_DIMENSION = 'bot_reason' as const;
