import { BreakdownDimension } from '@funnel/clickhouse';
import { DEFAULT_BREAKDOWN_LIMIT, FunnelResult, FunnelView } from '@funnel/contracts';
import { funnelConfidence } from '../confidence';

export interface CampaignClicks {
  campaignId: string;
  clicks: number;
  botClicks: number;
  lastSeenAt: Date | null;
}

export interface CampaignConversions {
  campaignId: string;
  conversions: number;
  /** Revenue in ten-thousandths (Decimal(38, 4) read exactly). */
  revenueUnits: bigint;
}

export interface DimensionCount {
  dimension: BreakdownDimension;
  /** As recorded; '' when unknown. */
  value: string;
  count: number;
}

export interface DimensionTotal {
  dimension: BreakdownDimension;
  /** Clicks over every value of the dimension. */
  total: number;
}

/** The top N values per dimension (most clicks first) and each dimension's total over all values. */
export interface BreakdownRows<Extra = object> {
  top: Array<DimensionCount & Extra>;
  totals: Array<DimensionTotal & Extra>;
}

/** The reads the funnel needs; FunnelRepository in the service, a fake in unit tests. */
export interface FunnelStore {
  campaignClicks(handle: string, campaignId: string | null): Promise<CampaignClicks[]>;
  campaignConversions(handle: string, campaignId: string | null): Promise<CampaignConversions[]>;
  campaignBreakdown(handle: string, campaignIds: readonly string[], limit: number): Promise<BreakdownRows<{ campaignId: string }>>;
  handleBreakdown(handle: string, limit: number): Promise<BreakdownRows>;
}

export interface GetFunnelCommand {
  handle: string;
  campaignId?: string;
  /** Values per breakdown dimension before the `other` row; DEFAULT_BREAKDOWN_LIMIT when absent. */
  breakdownLimit?: number;
}

/** Seed 000: without campaignId, individual funnels for up to 50 campaigns. */
export const MAX_CAMPAIGN_FUNNELS = 50;
export const UNKNOWN = 'unknown';

/** Ten-thousandths to a number of cents, half up (revenue is never negative). */
export function unitsToMoney(units: bigint): number {
  const cents = (units + 50n) / 100n;
  return Number(cents) / 100;
}

type Breakdown = FunnelView['breakdown'];

/**
 * Empty values become "unknown"; each list is sorted by count desc, then name. With `totals`
 * (the clicks over every value per dimension), the clicks of the values not listed come last as
 * one `{ <dimension>: null, count, other: true }` row, so each list still sums to its total.
 */
export function toBreakdown(rows: readonly DimensionCount[], totals: readonly DimensionTotal[] = []): Breakdown {
  const counts: Record<BreakdownDimension, Map<string, number>> = { source: new Map(), country: new Map(), device: new Map() };
  for (const row of rows) {
    const map = counts[row.dimension];
    if (!map) continue;
    const name = row.value === '' ? UNKNOWN : row.value;
    map.set(name, (map.get(name) ?? 0) + row.count);
  }
  const totalOf = (dimension: BreakdownDimension) => totals.filter((t) => t.dimension === dimension).reduce((sum, t) => sum + t.total, 0);
  const list = <K extends BreakdownDimension>(dimension: K): Breakdown[K] => {
    const entries = [...counts[dimension].entries()].filter(([, n]) => n > 0).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    const listed = entries.reduce((sum, [, n]) => sum + n, 0);
    const rest = totalOf(dimension) - listed;
    const out: Array<Record<string, unknown>> = entries.map(([value, count]) => ({ [dimension]: value, count }));
    if (rest > 0) out.push({ [dimension]: null, count: rest, other: true });
    return out as Breakdown[K];
  };
  return { source: list('source'), country: list('country'), device: list('device') };
}

interface Totals {
  clicks: number;
  botClicks: number;
  conversions: number;
  revenueUnits: bigint;
  lastSeenAt: Date | null;
}

const ZERO: Totals = { clicks: 0, botClicks: 0, conversions: 0, revenueUnits: 0n, lastSeenAt: null };

function later(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

function view(totals: Totals, breakdown: Breakdown): Omit<FunnelView, 'campaignId'> {
  const qualifiedClicks = Math.max(0, totals.clicks - totals.botClicks);
  return {
    clicks: totals.clicks,
    qualifiedClicks,
    conversions: totals.conversions,
    revenue: unitsToMoney(totals.revenueUnits),
    confidence: funnelConfidence(qualifiedClicks, totals.conversions),
    breakdown,
    lastSeenAt: totals.lastSeenAt ? totals.lastSeenAt.toISOString() : null,
  };
}

/**
 * The campaign funnel of seed 000 ("Monitor the funnel"): clicks → qualified clicks (clicks minus
 * bot clicks) → conversions → revenue, with confidence, breakdowns and the last click time.
 * With a campaignId: that campaign only, zeros when it has no data (the projector cannot tell an
 * unknown campaign from a quiet one; the gateway checks existence). Without: the aggregate across
 * all campaigns of the handle plus up to 50 campaign funnels, most clicks first. Every breakdown
 * lists the top `breakdownLimit` values per dimension, then one `other` row for the rest.
 */
export class GetFunnel {
  constructor(private readonly store: FunnelStore) {}

  async execute(command: GetFunnelCommand): Promise<FunnelResult> {
    const { handle } = command;
    const campaignId = command.campaignId ?? null;
    const [clicks, conversions] = await Promise.all([
      this.store.campaignClicks(handle, campaignId),
      this.store.campaignConversions(handle, campaignId),
    ]);

    const perCampaign = new Map<string, Totals>();
    const totalsOf = (id: string) => {
      let totals = perCampaign.get(id);
      if (!totals) perCampaign.set(id, (totals = { ...ZERO }));
      return totals;
    };
    if (campaignId !== null) totalsOf(campaignId);
    for (const c of clicks) Object.assign(totalsOf(c.campaignId), { clicks: c.clicks, botClicks: c.botClicks, lastSeenAt: c.lastSeenAt });
    for (const c of conversions) Object.assign(totalsOf(c.campaignId), { conversions: c.conversions, revenueUnits: c.revenueUnits });

    const chosen = [...perCampaign.entries()]
      .sort(([a, x], [b, y]) => y.clicks - x.clicks || y.conversions - x.conversions || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, campaignId === null ? MAX_CAMPAIGN_FUNNELS : 1);

    const limit = command.breakdownLimit ?? DEFAULT_BREAKDOWN_LIMIT;
    const [campaignRows, handleRows] = await Promise.all([
      this.store.campaignBreakdown(handle, chosen.filter(([, t]) => t.clicks > 0).map(([id]) => id), limit),
      campaignId === null ? this.store.handleBreakdown(handle, limit) : Promise.resolve({ top: [], totals: [] }),
    ]);

    const funnel: FunnelView[] = chosen.map(([id, totals]) => ({
      campaignId: id,
      ...view(
        totals,
        toBreakdown(
          campaignRows.top.filter((r) => r.campaignId === id),
          campaignRows.totals.filter((r) => r.campaignId === id),
        ),
      ),
    }));
    if (campaignId !== null) return { funnel };

    const all = [...perCampaign.values()].reduce<Totals>(
      (sum, t) => ({
        clicks: sum.clicks + t.clicks,
        botClicks: sum.botClicks + t.botClicks,
        conversions: sum.conversions + t.conversions,
        revenueUnits: sum.revenueUnits + t.revenueUnits,
        lastSeenAt: later(sum.lastSeenAt, t.lastSeenAt),
      }),
      { ...ZERO },
    );
    return { aggregate: { campaignId: null, ...view(all, toBreakdown(handleRows.top, handleRows.totals)) }, funnel };
  }
}
