import { Inject, Injectable } from '@nestjs/common';
import { BREAKDOWN_DIMENSIONS, BreakdownDimension, CH_TABLES, ClickHouse, identifier, Sql, sql, toNumber } from '@funnel/clickhouse';
import { CLICKHOUSE } from '../platform/projector-options';
import { BreakdownRows, CampaignClicks, CampaignConversions, FunnelStore } from './use-cases/get-funnel';

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

  /**
   * The top `limit` values per campaign and dimension (most clicks first, then value; LIMIT n BY,
   * no window function on ClickHouse 18.16) and, in the same statement, each campaign's and
   * dimension's total, so the caller's `other` row is the exact remainder. Zero sums are left out.
   */
  async campaignBreakdown(handle: string, campaignIds: readonly string[], limit: number): Promise<BreakdownRows<{ campaignId: string }>> {
    if (campaignIds.length === 0) return { top: [], totals: [] };
    return this.breakdown(sql`handle = ${handle} AND campaign_id IN (${campaignIds})`, sql`campaign_id`, limit);
  }

  /** The same across all campaigns of the handle (grouped by a constant campaign id ''). */
  async handleBreakdown(handle: string, limit: number): Promise<BreakdownRows> {
    const rows = await this.breakdown(this.scope(handle, null), sql`''`, limit);
    return { top: rows.top.map(({ campaignId: _c, ...r }) => r), totals: rows.totals.map(({ campaignId: _c, ...r }) => r) };
  }

  private async breakdown(where: Sql, campaign: Sql, limit: number): Promise<BreakdownRows<{ campaignId: string }>> {
    const n = Math.trunc(limit);
    if (!(n >= 1)) throw new RangeError(`breakdown limit must be a positive integer: ${limit}`);
    const table = identifier(CH_TABLES.campaignBreakdownDaily);
    // `scope_id`, not `campaign_id`: an alias named like a column would replace it in WHERE too.
    const rows = await this.clickhouse.query<{ kind: number | string; scope_id: string; dimension: string; value: string; total: string }>(sql`
      SELECT 0 AS kind, scope_id, dimension, value, total FROM (
        SELECT ${campaign} AS scope_id, dimension, value, sum(clicks) AS total
        FROM ${table}
        WHERE ${where} AND dimension IN (${BREAKDOWN_DIMENSIONS})
        GROUP BY scope_id, dimension, value
        HAVING total > 0
        ORDER BY scope_id, dimension, total DESC, value
        LIMIT ${n} BY scope_id, dimension)
      UNION ALL
      SELECT 1 AS kind, ${campaign} AS scope_id, dimension, '' AS value, sum(clicks) AS total
      FROM ${table}
      WHERE ${where} AND dimension IN (${BREAKDOWN_DIMENSIONS})
      GROUP BY scope_id, dimension`);
    const result: BreakdownRows<{ campaignId: string }> = { top: [], totals: [] };
    for (const r of rows) {
      const dimension = r.dimension as BreakdownDimension;
      if (toNumber(r.kind) === 1) result.totals.push({ campaignId: r.scope_id, dimension, total: toNumber(r.total) });
      else result.top.push({ campaignId: r.scope_id, dimension, value: r.value, count: toNumber(r.total) });
    }
    return result;
  }
}
