import { AnalyticsGranularity, hasWholeHourOffsets, SeriesPoint, SeriesResult } from '@funnel/contracts';
import { funnelConfidence } from '../../funnel/confidence';
import { unitsToMoney } from '../../funnel/use-cases/get-funnel';
import { AnalyticsStore } from './analytics-store';
import { conversionRate } from './get-segments';

export interface GetSeriesCommand {
  handle: string;
  campaignId?: string;
  granularity: AnalyticsGranularity;
  timeZone: string;
  from: Date;
  to: Date;
}

/**
 * Per hour / per day / per month series (seed 001's time frames) of one campaign or all campaigns
 * of a handle, in an IANA time zone, over [from, to): the hours whose (local) start lies in the
 * range, bucketed by local hour, day or month. Buckets without a click or a conversion are left out.
 * Read from the hourly rollups, except in zones with a fractional UTC offset (see the repository).
 */
export class GetSeries {
  constructor(private readonly store: AnalyticsStore) {}

  async execute(command: GetSeriesCommand): Promise<SeriesResult> {
    const source = hasWholeHourOffsets(command.timeZone, command.from.getTime(), command.to.getTime()) ? 'rollup' : 'raw';
    const query = { ...command, source } as const;
    const [clicks, conversions] = await Promise.all([this.store.seriesClicks(query), this.store.seriesConversions(query)]);
    const buckets = new Map<number, { clicks: number; botClicks: number; conversions: number; revenueUnits: bigint }>();
    const of = (start: number) => {
      let b = buckets.get(start);
      if (!b) buckets.set(start, (b = { clicks: 0, botClicks: 0, conversions: 0, revenueUnits: 0n }));
      return b;
    };
    let lastSeen = 0;
    for (const row of clicks) {
      const b = of(row.start);
      b.clicks += row.clicks;
      b.botClicks += row.botClicks;
      if (row.clicks > 0 && row.lastSeen > lastSeen) lastSeen = row.lastSeen;
    }
    for (const row of conversions) {
      const b = of(row.start);
      b.conversions += row.conversions;
      b.revenueUnits += row.revenueUnits;
    }
    const total = { clicks: 0, botClicks: 0, conversions: 0, revenueUnits: 0n };
    const series: SeriesPoint[] = [...buckets.entries()]
      .filter(([, b]) => b.clicks > 0 || b.conversions > 0)
      .sort(([a], [b]) => a - b)
      .map(([start, b]) => {
        total.clicks += b.clicks;
        total.botClicks += b.botClicks;
        total.conversions += b.conversions;
        total.revenueUnits += b.revenueUnits;
        return {
          start: new Date(start * 1000).toISOString(),
          clicks: b.clicks,
          botClicks: b.botClicks,
          qualifiedClicks: Math.max(0, b.clicks - b.botClicks),
          conversions: b.conversions,
          revenue: unitsToMoney(b.revenueUnits),
        };
      });
    const qualifiedClicks = Math.max(0, total.clicks - total.botClicks);
    return {
      campaignId: command.campaignId ?? null,
      granularity: command.granularity,
      timeZone: command.timeZone,
      from: command.from.toISOString(),
      to: command.to.toISOString(),
      series,
      summary: {
        clicks: total.clicks,
        botClicks: total.botClicks,
        qualifiedClicks,
        conversions: total.conversions,
        revenue: unitsToMoney(total.revenueUnits),
        conversionRate: conversionRate(total.conversions, qualifiedClicks),
        confidence: funnelConfidence(qualifiedClicks, total.conversions),
        lastSeenAt: lastSeen > 0 ? new Date(lastSeen * 1000).toISOString() : null,
      },
    };
  }
}
