import { Inject, Injectable } from '@nestjs/common';
import { BREAKDOWN_DIMENSIONS, BreakdownDimension, CH_TABLES, ClickHouse, identifier, Sql, sql, toNumber } from '@funnel/clickhouse';
import { CLICKHOUSE } from '../platform/projector-options';
import { CampaignClicks, CampaignConversions, DimensionCount, FunnelStore } from './use-cases/get-funnel';

/** Parses a Decimal(38, 4) rendered by toString() into ten-thousandths, exactly. */
export function decimalToUnits(text: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new TypeError(`not a decimal from ClickHouse: ${text}`);
  const fraction = (match[3] ?? '').padEnd(4, '0');
  if (/[1-9]/.test(fraction.slice(4))) throw new RangeError(`more than 4 decimals from ClickHouse: ${text}`);
  const units = BigInt(match[2]) * 10000n + BigInt(fraction.slice(0, 4));
  return match[1] ? -units : units;
}

/**
 * Funnel reads, from the materialized views' target tables only (never the raw tables). Rows of
 * one key are only combined when parts merge, so every read aggregates with -Merge / sum().
 * Campaign-less rows (campaign_id = '') are not part of any funnel.
 */
@Injectable()
export class FunnelRepository implements FunnelStore {
  constructor(@Inject(CLICKHOUSE) private readonly clickhouse: ClickHouse) {}

  private scope(handle: string, campaignId: string | null): Sql {
    return campaignId === null ? sql`handle = ${handle} AND campaign_id != ''` : sql`handle = ${handle} AND campaign_id = ${campaignId}`;
  }

  async campaignClicks(handle: string, campaignId: string | null): Promise<CampaignClicks[]> {
    const rows = await this.clickhouse.query<{ campaign_id: string; total: string; bots: string; last_seen_unix: number | string }>(sql`
      SELECT campaign_id, countMerge(clicks) AS total, sumMerge(bot_clicks) AS bots, toUnixTimestamp(maxMerge(last_seen)) AS last_seen_unix
      FROM ${identifier(CH_TABLES.campaignClicksHourly)}
      WHERE ${this.scope(handle, campaignId)}
      GROUP BY campaign_id`);
    return rows.map((r) => ({
      campaignId: r.campaign_id,
      clicks: toNumber(r.total),
      botClicks: toNumber(r.bots),
      lastSeenAt: toNumber(r.last_seen_unix) > 0 ? new Date(toNumber(r.last_seen_unix) * 1000) : null,
    }));
  }

  async campaignConversions(handle: string, campaignId: string | null): Promise<CampaignConversions[]> {
    const rows = await this.clickhouse.query<{ campaign_id: string; total: string; revenue: string }>(sql`
      SELECT campaign_id, sum(conversions) AS total, toString(sum(revenue)) AS revenue
      FROM ${identifier(CH_TABLES.campaignConversionsHourly)}
      WHERE ${this.scope(handle, campaignId)}
      GROUP BY campaign_id`);
    return rows.map((r) => ({ campaignId: r.campaign_id, conversions: toNumber(r.total), revenueUnits: decimalToUnits(r.revenue) }));
  }

  async campaignBreakdown(handle: string, campaignIds: readonly string[]): Promise<Array<DimensionCount & { campaignId: string }>> {
    if (campaignIds.length === 0) return [];
    const rows = await this.clickhouse.query<{ campaign_id: string; dimension: string; value: string; total: string }>(sql`
      SELECT campaign_id, dimension, value, sum(clicks) AS total
      FROM ${identifier(CH_TABLES.campaignBreakdownDaily)}
      WHERE handle = ${handle} AND campaign_id IN (${campaignIds}) AND dimension IN (${BREAKDOWN_DIMENSIONS})
      GROUP BY campaign_id, dimension, value`);
    return rows.map((r) => ({ campaignId: r.campaign_id, dimension: r.dimension as BreakdownDimension, value: r.value, count: toNumber(r.total) }));
  }

  async handleBreakdown(handle: string): Promise<DimensionCount[]> {
    const rows = await this.clickhouse.query<{ dimension: string; value: string; total: string }>(sql`
      SELECT dimension, value, sum(clicks) AS total
      FROM ${identifier(CH_TABLES.campaignBreakdownDaily)}
      WHERE ${this.scope(handle, null)} AND dimension IN (${BREAKDOWN_DIMENSIONS})
      GROUP BY dimension, value`);
    return rows.map((r) => ({ dimension: r.dimension as BreakdownDimension, value: r.value, count: toNumber(r.total) }));
  }
}
