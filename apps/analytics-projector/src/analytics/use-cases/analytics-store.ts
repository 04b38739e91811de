import { BOT_REASON_DIMENSION, SEGMENT_DIMENSION } from '@funnel/clickhouse';
import { AnalyticsGranularity } from '@funnel/contracts';

export interface DimensionValue {
  /** As recorded; '' when absent. */
  value: string;
  clicks: number;
  botClicks: number;
}

export interface SegmentConversions {
  /** The credited click's variant ('' = none), or null when the conversion's event did not say it. */
  variant: string | null;
  conversions: number;
  revenueUnits: bigint;
}

export interface SeriesQuery {
  handle: string;
  campaignId?: string;
  granularity: AnalyticsGranularity;
  timeZone: string;
  from: Date;
  to: Date;
  /** `rollup`: the hourly tables; `raw`: the raw tables (zones with a fractional offset). */
  source: 'rollup' | 'raw';
}

/** Bucket start as unix seconds. */
export interface BucketClicks {
  start: number;
  clicks: number;
  botClicks: number;
  /** Unix seconds of the latest click in the bucket. */
  lastSeen: number;
}

export interface BucketConversions {
  start: number;
  conversions: number;
  revenueUnits: bigint;
}

/** The reads of the segment, bot-reason and series views; AnalyticsRepository in the service, a fake in unit tests. */
export interface AnalyticsStore {
  dimensionValues(handle: string, campaignId: string, dimension: typeof SEGMENT_DIMENSION | typeof BOT_REASON_DIMENSION): Promise<DimensionValue[]>;
  segmentConversions(handle: string, campaignId: string): Promise<SegmentConversions[]>;
  seriesClicks(query: SeriesQuery): Promise<BucketClicks[]>;
  seriesConversions(query: SeriesQuery): Promise<BucketConversions[]>;
}
