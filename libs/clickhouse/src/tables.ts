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
  /** 0004_campaign_breakdown_hourly.sql (SummingMergeTree: sum) */
  campaignBreakdownHourly: 'campaign_breakdown_hourly',
  /** 0005_campaign_conversions_hourly.sql (SummingMergeTree: sum) */
  campaignConversionsHourly: 'campaign_conversions_hourly',
} as const;

export type ChTable = (typeof CH_TABLES)[keyof typeof CH_TABLES];

/** The dimensions of campaign_breakdown_hourly, as its materialized view writes them. */
export const BREAKDOWN_DIMENSIONS = ['source', 'country', 'device'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];
