import { SEGMENT_DIMENSION } from '@funnel/clickhouse';
import { SegmentResult, SegmentView } from '@funnel/contracts';
import { funnelConfidence } from '../../funnel/confidence';
import { unitsToMoney } from '../../funnel/use-cases/get-funnel';
import { AnalyticsStore } from './analytics-store';

/** Clicks served without a personalization variant. */
export const DEFAULT_SEGMENT = 'default';
/** Conversions whose event does not say the credited click's variant (see ConversionRecordedV1.clickVariantId). */
export const UNKNOWN_SEGMENT = 'unknown';

export function conversionRate(conversions: number, qualifiedClicks: number): number {
  return qualifiedClicks > 0 ? conversions / qualifiedClicks : 0;
}

/**
 * Seed 000 "Campaign-level segment analytics": clicks, conversions and revenue per segment of one
 * campaign. A click's segment is the personalization variant that served it ("default" without
 * one); a conversion's segment is its credited click's, as its event carries it. Sorted by clicks,
 * then conversions, then name.
 */
export class GetSegments {
  constructor(private readonly store: AnalyticsStore) {}

  async execute(handle: string, campaignId: string): Promise<SegmentResult> {
    const [clicks, conversions] = await Promise.all([
      this.store.dimensionValues(handle, campaignId, SEGMENT_DIMENSION),
      this.store.segmentConversions(handle, campaignId),
    ]);
    const segments = new Map<string, { clicks: number; botClicks: number; conversions: number; revenueUnits: bigint }>();
    const of = (name: string) => {
      let s = segments.get(name);
      if (!s) segments.set(name, (s = { clicks: 0, botClicks: 0, conversions: 0, revenueUnits: 0n }));
      return s;
    };
    for (const row of clicks) {
      const s = of(row.value === '' ? DEFAULT_SEGMENT : row.value);
      s.clicks += row.clicks;
      s.botClicks += row.botClicks;
    }
    for (const row of conversions) {
      const s = of(row.variant === null ? UNKNOWN_SEGMENT : row.variant === '' ? DEFAULT_SEGMENT : row.variant);
      s.conversions += row.conversions;
      s.revenueUnits += row.revenueUnits;
    }
    const views: SegmentView[] = [...segments.entries()].map(([segment, s]) => {
      const qualifiedClicks = Math.max(0, s.clicks - s.botClicks);
      return {
        segment,
        clicks: s.clicks,
        botClicks: s.botClicks,
        qualifiedClicks,
        conversions: s.conversions,
        revenue: unitsToMoney(s.revenueUnits),
        conversionRate: conversionRate(s.conversions, qualifiedClicks),
        confidence: funnelConfidence(qualifiedClicks, s.conversions),
      };
    });
    views.sort((a, b) => b.clicks - a.clicks || b.conversions - a.conversions || (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0));
    return { campaignId, groupBy: 'segment', segments: views };
  }
}
