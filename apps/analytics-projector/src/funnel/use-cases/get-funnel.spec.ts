import { BreakdownRows, CampaignClicks, CampaignConversions, DimensionCount, FunnelStore, GetFunnel, MAX_CAMPAIGN_FUNNELS, toBreakdown, unitsToMoney } from './get-funnel';
import { funnelConfidence } from '../confidence';

/** Rollup rows per handle, as the repository would return them. */
class FakeFunnelStore implements FunnelStore {
  clicks: Array<CampaignClicks & { handle: string }> = [];
  conversions: Array<CampaignConversions & { handle: string }> = [];
  breakdown: Array<DimensionCount & { handle: string; campaignId: string }> = [];

  async campaignClicks(handle: string, campaignId: string | null): Promise<CampaignClicks[]> {
    return this.clicks.filter((c) => c.handle === handle && (campaignId === null || c.campaignId === campaignId));
  }

  async campaignConversions(handle: string, campaignId: string | null): Promise<CampaignConversions[]> {
    return this.conversions.filter((c) => c.handle === handle && (campaignId === null || c.campaignId === campaignId));
  }

  limits: number[] = [];

  async campaignBreakdown(handle: string, campaignIds: readonly string[], limit: number): Promise<BreakdownRows<{ campaignId: string }>> {
    this.limits.push(limit);
    return topOf(this.breakdown.filter((b) => b.handle === handle && campaignIds.includes(b.campaignId)), limit, (r) => r.campaignId);
  }

  async handleBreakdown(handle: string, limit: number): Promise<BreakdownRows> {
    this.limits.push(limit);
    return topOf(this.breakdown.filter((b) => b.handle === handle).map((b) => ({ ...b, campaignId: '' })), limit, () => '');
  }
}

/** What the repository's SQL does: per scope and dimension, sum per value, keep the top `limit` (count desc, value), and the total. */
function topOf(rows: Array<DimensionCount & { campaignId: string }>, limit: number, scope: (r: { campaignId: string }) => string): BreakdownRows<{ campaignId: string }> {
  const sums = new Map<string, DimensionCount & { campaignId: string }>();
  for (const r of rows) {
    const key = JSON.stringify([scope(r), r.dimension, r.value]);
    const s = sums.get(key) ?? { campaignId: scope(r), dimension: r.dimension, value: r.value, count: 0 };
    s.count += r.count;
    sums.set(key, s);
  }
  const sorted = [...sums.values()].filter((r) => r.count > 0).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const taken = new Map<string, number>();
  const totals = new Map<string, { campaignId: string; dimension: DimensionCount['dimension']; total: number }>();
  const top = sorted.filter((r) => {
    const key = JSON.stringify([r.campaignId, r.dimension]);
    const t = totals.get(key) ?? { campaignId: r.campaignId, dimension: r.dimension, total: 0 };
    t.total += r.count;
    totals.set(key, t);
    taken.set(key, (taken.get(key) ?? 0) + 1);
    return (taken.get(key) ?? 0) <= limit;
  });
  return { top, totals: [...totals.values()] };
}

const at = (iso: string) => new Date(iso);

describe('GetFunnel', () => {
  let store: FakeFunnelStore;
  let getFunnel: GetFunnel;

  beforeEach(() => {
    store = new FakeFunnelStore();
    getFunnel = new GetFunnel(store);
    store.clicks.push(
      { handle: 'acme', campaignId: 'spring', clicks: 1250, botClicks: 50, lastSeenAt: at('2026-02-25T12:34:56Z') },
      { handle: 'acme', campaignId: 'autumn', clicks: 10, botClicks: 0, lastSeenAt: at('2026-03-01T08:00:00Z') },
      { handle: 'other', campaignId: 'spring', clicks: 999, botClicks: 0, lastSeenAt: at('2026-03-02T08:00:00Z') },
    );
    store.conversions.push(
      { handle: 'acme', campaignId: 'spring', conversions: 47, revenueUnits: 52345000n },
      { handle: 'acme', campaignId: 'winter', conversions: 1, revenueUnits: 1005n },
      { handle: 'other', campaignId: 'spring', conversions: 5, revenueUnits: 10n },
    );
    store.breakdown.push(
      { handle: 'acme', campaignId: 'spring', dimension: 'source', value: 'email', count: 800 },
      { handle: 'acme', campaignId: 'spring', dimension: 'source', value: 'social', count: 450 },
      { handle: 'acme', campaignId: 'spring', dimension: 'country', value: 'US', count: 900 },
      { handle: 'acme', campaignId: 'spring', dimension: 'country', value: '', count: 350 },
      { handle: 'acme', campaignId: 'spring', dimension: 'device', value: 'desktop', count: 500 },
      { handle: 'acme', campaignId: 'spring', dimension: 'device', value: 'mobile', count: 750 },
      { handle: 'acme', campaignId: 'autumn', dimension: 'source', value: 'email', count: 10 },
      { handle: 'acme', campaignId: 'autumn', dimension: 'country', value: 'GB', count: 10 },
      { handle: 'acme', campaignId: 'autumn', dimension: 'device', value: 'mobile', count: 10 },
      { handle: 'other', campaignId: 'spring', dimension: 'source', value: 'leak', count: 999 },
    );
  });

  it('answers one campaign with its funnel, breakdown and last click', async () => {
    const result = await getFunnel.execute({ handle: 'acme', campaignId: 'spring' });
    expect(result.aggregate).toBeUndefined();
    expect(result.funnel).toEqual([
      {
        campaignId: 'spring',
        clicks: 1250,
        qualifiedClicks: 1200,
        conversions: 47,
        revenue: 5234.5,
        confidence: funnelConfidence(1200, 47),
        breakdown: {
          source: [{ source: 'email', count: 800 }, { source: 'social', count: 450 }],
          country: [{ country: 'US', count: 900 }, { country: 'unknown', count: 350 }],
          device: [{ device: 'mobile', count: 750 }, { device: 'desktop', count: 500 }],
        },
        lastSeenAt: '2026-02-25T12:34:56.000Z',
      },
    ]);
  });

  it('answers zeros for a campaign without data', async () => {
    const result = await getFunnel.execute({ handle: 'acme', campaignId: 'quiet' });
    expect(result.funnel).toEqual([
      {
        campaignId: 'quiet',
        clicks: 0,
        qualifiedClicks: 0,
        conversions: 0,
        revenue: 0,
        confidence: 0,
        breakdown: { source: [], country: [], device: [] },
        lastSeenAt: null,
      },
    ]);
  });

  it('aggregates the handle and lists its campaigns, most clicks first, never another tenant', async () => {
    const result = await getFunnel.execute({ handle: 'acme' });
    expect(result.funnel.map((f) => [f.campaignId, f.clicks, f.conversions, f.revenue])).toEqual([
      ['spring', 1250, 47, 5234.5],
      ['autumn', 10, 0, 0],
      ['winter', 0, 1, 0.1],
    ]);
    expect(result.aggregate).toMatchObject({
      campaignId: null,
      clicks: 1260,
      qualifiedClicks: 1210,
      conversions: 48,
      revenue: 5234.6,
      confidence: funnelConfidence(1210, 48),
      lastSeenAt: '2026-03-01T08:00:00.000Z',
    });
    expect(result.aggregate!.breakdown.source).toEqual([{ source: 'email', count: 810 }, { source: 'social', count: 450 }]);
    for (const dim of ['source', 'country', 'device'] as const) {
      const rows = result.aggregate!.breakdown[dim] as Array<{ count: number }>;
      expect(rows.reduce((a, r) => a + r.count, 0)).toBe(1260);
    }
  });

  it('caps the list at 50 campaigns while the aggregate covers them all', async () => {
    store.clicks = Array.from({ length: 60 }, (_, i) => ({ handle: 'many', campaignId: `c${String(i).padStart(2, '0')}`, clicks: i + 1, botClicks: 0, lastSeenAt: null }));
    store.conversions = [];
    const result = await getFunnel.execute({ handle: 'many' });
    expect(result.funnel).toHaveLength(MAX_CAMPAIGN_FUNNELS);
    expect(result.funnel[0].campaignId).toBe('c59');
    expect(result.funnel[49].campaignId).toBe('c10');
    expect(result.aggregate!.clicks).toBe((60 * 61) / 2);
  });

  it('answers an empty handle with a zero aggregate and no funnels', async () => {
    const result = await getFunnel.execute({ handle: 'nobody' });
    expect(result.funnel).toEqual([]);
    expect(result.aggregate).toMatchObject({ campaignId: null, clicks: 0, qualifiedClicks: 0, conversions: 0, revenue: 0, confidence: 0, lastSeenAt: null });
  });
});

describe('GetFunnel breakdown limit', () => {
  it('lists the top N values per dimension and one other row (value null) with the rest; sums stay exact', async () => {
    const store = new FakeFunnelStore();
    // 30 sources s00..s29 with 1..30 clicks (465) and a real value "other" with 1 click.
    store.clicks.push({ handle: 'h', campaignId: 'c', clicks: 466, botClicks: 0, lastSeenAt: null });
    for (let i = 0; i < 30; i++) store.breakdown.push({ handle: 'h', campaignId: 'c', dimension: 'source', value: `s${String(i).padStart(2, '0')}`, count: i + 1 });
    store.breakdown.push({ handle: 'h', campaignId: 'c', dimension: 'source', value: 'other', count: 1 });
    for (const [dimension, value] of [['country', 'US'], ['device', 'mobile']] as const) store.breakdown.push({ handle: 'h', campaignId: 'c', dimension, value, count: 466 });

    const one = (await new GetFunnel(store).execute({ handle: 'h', campaignId: 'c', breakdownLimit: 5 })).funnel[0];
    expect(one.breakdown.source).toEqual([
      { source: 's29', count: 30 },
      { source: 's28', count: 29 },
      { source: 's27', count: 28 },
      { source: 's26', count: 27 },
      { source: 's25', count: 26 },
      { source: null, count: 466 - 140, other: true },
    ]);
    expect(one.breakdown.country).toEqual([{ country: 'US', count: 466 }]);

    const all = await new GetFunnel(store).execute({ handle: 'h' });
    expect(store.limits.slice(-2)).toEqual([20, 20]);
    for (const b of [all.aggregate!.breakdown, all.funnel[0].breakdown]) {
      expect(b.source).toHaveLength(21);
      expect(b.source[20]).toMatchObject({ source: null, other: true });
      expect(b.source.filter((r) => r.source === 'other')).toEqual([]); // the real "other" (1 click) is in the rest
      expect(b.source.reduce((a, r) => a + r.count, 0)).toBe(466);
    }
  });
});

describe('unitsToMoney', () => {
  it('rounds ten-thousandths to cents, half up, exactly', () => {
    expect(unitsToMoney(0n)).toBe(0);
    expect(unitsToMoney(10050n)).toBe(1.01);
    expect(unitsToMoney(10049n)).toBe(1);
    expect(unitsToMoney(52345000n)).toBe(5234.5);
    expect(unitsToMoney(10000000000000000n)).toBe(1e12);
  });
});

describe('toBreakdown', () => {
  it('adds the other row only when values were left out', () => {
    expect(toBreakdown([{ dimension: 'device', value: 'mobile', count: 4 }], [{ dimension: 'device', total: 4 }]).device).toEqual([{ device: 'mobile', count: 4 }]);
    expect(toBreakdown([{ dimension: 'device', value: 'mobile', count: 4 }], [{ dimension: 'device', total: 7 }]).device).toEqual([
      { device: 'mobile', count: 4 },
      { device: null, count: 3, other: true },
    ]);
  });

  it('merges empty values into "unknown" and orders by count, then name', () => {
    expect(
      toBreakdown([
        { dimension: 'country', value: '', count: 2 },
        { dimension: 'country', value: 'unknown', count: 1 },
        { dimension: 'country', value: 'GB', count: 3 },
        { dimension: 'country', value: 'DE', count: 3 },
        { dimension: 'device', value: 'mobile', count: 0 },
      ]),
    ).toEqual({
      source: [],
      country: [{ country: 'DE', count: 3 }, { country: 'GB', count: 3 }, { country: 'unknown', count: 3 }],
      device: [],
    });
  });
});
