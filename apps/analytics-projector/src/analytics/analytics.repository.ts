import { Inject, Injectable } from '@nestjs/common';
import { BOT_REASON_DIMENSION, CH_TABLES, ClickHouse, identifier, SEGMENT_DIMENSION, Sql, sql, toNumber } from '@funnel/clickhouse';
import { AnalyticsGranularity, canonicalTimeZone } from '@funnel/contracts';
import { CLICKHOUSE } from '../platform/projector-options';
import { decimalToUnits } from '../funnel/funnel.repository';
import { AnalyticsStore, BucketClicks, BucketConversions, DimensionValue, SegmentConversions, SeriesQuery } from './use-cases/analytics-store';

/**
 * The zone's canonical name (ClickHouse compares names case-sensitively: `Europe/berlin` would be
 * an error there); unknown names were refused with a 400 before reaching the projector.
 */
export function clickHouseZone(timeZone: string): string {
  const canonical = canonicalTimeZone(timeZone);
  if (canonical === null) throw new RangeError(`unknown time zone: ${timeZone}`);
  return canonical;
}

/**
 * The bucket of a time series, in the caller's zone, from a column holding a time:
 * hours as they are, days with toStartOfDay(t, tz), months with toStartOfMonth(t, tz) (a Date,
 * turned back into the instant of local midnight). Every value goes through the `sql` tag.
 */
export function bucketOf(column: Sql, granularity: AnalyticsGranularity, zoneName: string): Sql {
  const timeZone = clickHouseZone(zoneName);
  switch (granularity) {
    case 'hour':
      return sql`toStartOfHour(${column}, ${timeZone})`;
    case 'day':
      return sql`toStartOfDay(${column}, ${timeZone})`;
    case 'month':
      return sql`toDateTime(toStartOfMonth(${column}, ${timeZone}), ${timeZone})`;
  }
}

/**
 * Segment, bot-reason and time-series reads, from the rollups (the raw tables only for series in
 * zones with a fractional offset).
 */
@Injectable()
export class AnalyticsRepository implements AnalyticsStore {
  constructor(@Inject(CLICKHOUSE) private readonly clickhouse: ClickHouse) {}

  async dimensionValues(handle: string, campaignId: string, dimension: typeof SEGMENT_DIMENSION | typeof BOT_REASON_DIMENSION): Promise<DimensionValue[]> {
    const rows = await this.clickhouse.query<{ value: string; clicks: string; bots: string }>(sql`
      SELECT value, sum(clicks) AS clicks, sum(bot_clicks) AS bots
      FROM ${identifier(CH_TABLES.campaignBreakdownDaily)}
      WHERE handle = ${handle} AND campaign_id = ${campaignId} AND dimension = ${dimension}
      GROUP BY value`);
    return rows.map((r) => ({ value: r.value, clicks: toNumber(r.clicks), botClicks: toNumber(r.bots) }));
  }

  /**
   * Counted conversions per segment of their click, from campaign_segment_conversions_daily: the
   * credited click's variant travels with conversion.recorded (clickVariantId) and the projection
   * rolls it up, so no raw table is read. `click_variant_known` = 0 when the event did not say
   * (the click is not known to the conversion-service, or it predates variants).
   */
  async segmentConversions(handle: string, campaignId: string): Promise<SegmentConversions[]> {
    const rows = await this.clickhouse.query<{ known: number | string; variant: string; n: string; revenue: string }>(sql`
      SELECT click_variant_known AS known, click_variant_id AS variant, sum(conversions) AS n, toString(sum(revenue)) AS revenue
      FROM ${identifier(CH_TABLES.campaignSegmentConversionsDaily)}
      WHERE handle = ${handle} AND campaign_id = ${campaignId}
      GROUP BY known, variant`);
    return rows.map((r) => ({ variant: toNumber(r.known) === 1 ? r.variant : null, conversions: toNumber(r.n), revenueUnits: decimalToUnits(r.revenue) }));
  }

  private scope(handle: string, campaignId: string | undefined): Sql {
    return campaignId === undefined ? sql`handle = ${handle} AND campaign_id != ''` : sql`handle = ${handle} AND campaign_id = ${campaignId}`;
  }

  /**
   * Clicks per bucket. `rollup`: campaign_clicks_hourly, hours selected by their start in
   * [from, to); exact for zones with whole-hour offsets. `raw`: the clicks table, by local hour
   * start, for zones with a fractional offset, whose days do not begin on a UTC hour.
   */
  async seriesClicks(query: SeriesQuery): Promise<BucketClicks[]> {
    const { handle, campaignId, granularity, from, to, source } = query;
    const timeZone = clickHouseZone(query.timeZone);
    const statement =
      source === 'rollup'
        ? sql`
      SELECT toUnixTimestamp(${bucketOf(sql`hour`, granularity, timeZone)}) AS start,
             countMerge(clicks) AS total, sumMerge(bot_clicks) AS bots, toUnixTimestamp(maxMerge(last_seen)) AS last_seen
      FROM ${identifier(CH_TABLES.campaignClicksHourly)}
      WHERE ${this.scope(handle, campaignId)} AND hour >= ${from} AND hour < ${to}
      GROUP BY start`
        : sql`
      SELECT toUnixTimestamp(${bucketOf(sql`occurred_at`, granularity, timeZone)}) AS start,
             count() AS total, sum(is_bot) AS bots, toUnixTimestamp(max(occurred_at)) AS last_seen
      FROM ${identifier(CH_TABLES.clicks)}
      WHERE ${this.scope(handle, campaignId)}
        AND toStartOfHour(occurred_at, ${timeZone}) >= ${from} AND toStartOfHour(occurred_at, ${timeZone}) < ${to}
      GROUP BY start`;
    const rows = await this.clickhouse.query<{ start: number | string; total: string; bots: string; last_seen: number | string }>(statement);
    return rows.map((r) => ({ start: toNumber(r.start), clicks: toNumber(r.total), botClicks: toNumber(r.bots), lastSeen: toNumber(r.last_seen) }));
  }

  /** Counted conversions and revenue per bucket; same sources and range rule as seriesClicks. */
  async seriesConversions(query: SeriesQuery): Promise<BucketConversions[]> {
    const { handle, campaignId, granularity, from, to, source } = query;
    const timeZone = clickHouseZone(query.timeZone);
    const statement =
      source === 'rollup'
        ? sql`
      SELECT toUnixTimestamp(${bucketOf(sql`hour`, granularity, timeZone)}) AS start, sum(conversions) AS n, toString(sum(revenue)) AS revenue
      FROM ${identifier(CH_TABLES.campaignConversionsHourly)}
      WHERE ${this.scope(handle, campaignId)} AND hour >= ${from} AND hour < ${to}
      GROUP BY start`
        : sql`
      SELECT toUnixTimestamp(${bucketOf(sql`occurred_at`, granularity, timeZone)}) AS start, count() AS n, toString(sum(toDecimal128(value, 4))) AS revenue
      FROM ${identifier(CH_TABLES.conversions)}
      WHERE ${this.scope(handle, campaignId)} AND test = 0
        AND toStartOfHour(occurred_at, ${timeZone}) >= ${from} AND toStartOfHour(occurred_at, ${timeZone}) < ${to}
      GROUP BY start`;
    const rows = await this.clickhouse.query<{ start: number | string; n: string; revenue: string }>(statement);
    return rows.map((r) => ({ start: toNumber(r.start), conversions: toNumber(r.n), revenueUnits: decimalToUnits(r.revenue) }));
  }
}
