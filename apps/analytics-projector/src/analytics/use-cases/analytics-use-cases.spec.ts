import { AnalyticsStore, BucketClicks, BucketConversions, DimensionValue, SegmentConversions, SeriesQuery } from './analytics-store';
import { GetBotReasons } from './get-bot-reasons';
import { GetSegments } from './get-segments';
import { GetSeries } from './get-series';

function fakeStore(data: {
  dimensions?: Record<string, DimensionValue[]>;
  segmentConversions?: SegmentConversions[];
  clicks?: BucketClicks[];
  conversions?: BucketConversions[];
}): AnalyticsStore & { seriesQueries: SeriesQuery[] } {
  const seriesQueries: SeriesQuery[] = [];
  return {
    seriesQueries,
    dimensionValues: async (_h, _c, dimension) => data.dimensions?.[dimension] ?? [],
    segmentConversions: async () => data.segmentConversions ?? [],
    seriesClicks: async (q) => {
      seriesQueries.push(q);
      return data.clicks ?? [];
    },
    seriesConversions: async () => data.conversions ?? [],
  };
}

describe('GetSegments', () => {
  it('joins clicks and conversions per segment, names the empty and unknown ones, and sorts', async () => {
    const store = fakeStore({
      dimensions: {
        segment: [
          { value: '', clicks: 10, botClicks: 2 },
          { value: 'mobile-optimized', clicks: 30, botClicks: 0 },
        ],
      },
      segmentConversions: [
        { variant: 'mobile-optimized', conversions: 3, revenueUnits: 1234567n },
        { variant: '', conversions: 1, revenueUnits: 50000n },
        { variant: null, conversions: 2, revenueUnits: 10000n },
      ],
    });
    const result = await new GetSegments(store).execute('acme', 'spring');
    expect(result.segments.map((s) => [s.segment, s.clicks, s.qualifiedClicks, s.conversions, s.revenue, s.conversionRate])).toEqual([
      ['mobile-optimized', 30, 30, 3, 123.46, 0.1],
      ['default', 10, 8, 1, 5, 0.125],
      ['unknown', 0, 0, 2, 1, 0],
    ]);
  });

  it('lists a segment known only from its conversions (their clicks not projected yet) with no clicks', async () => {
    const store = fakeStore({
      dimensions: { segment: [{ value: '', clicks: 5, botClicks: 0 }] },
      segmentConversions: [{ variant: 'flash-sale', conversions: 1, revenueUnits: 990000n }],
    });
    const result = await new GetSegments(store).execute('acme', 'spring');
    expect(result.segments.map((s) => [s.segment, s.clicks, s.conversions, s.revenue, s.conversionRate, s.confidence])).toEqual([
      ['default', 5, 0, 0, 0, 0],
      ['flash-sale', 0, 1, 99, 0, 0],
    ]);
  });
});

describe('GetBotReasons', () => {
  it('counts bot clicks per reason, "unknown" for none', async () => {
    const store = fakeStore({ dimensions: { bot_reason: [{ value: 'ua', clicks: 4, botClicks: 4 }, { value: '', clicks: 1, botClicks: 1 }, { value: 'rate', clicks: 4, botClicks: 4 }] } });
    expect(await new GetBotReasons(store).execute('acme', 'spring')).toEqual({
      campaignId: 'spring',
      groupBy: 'botReason',
      botClicks: 9,
      botReasons: [{ reason: 'rate', count: 4 }, { reason: 'ua', count: 4 }, { reason: 'unknown', count: 1 }],
    });
  });
});

describe('GetSeries', () => {
  const command = { handle: 'acme', granularity: 'day' as const, timeZone: 'Europe/Paris', from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-02-05T00:00:00Z') };

  it('merges buckets oldest first, sums exactly and reports the last click', async () => {
    const store = fakeStore({
      clicks: [
        { start: 1770000000 + 86400, clicks: 5, botClicks: 1, lastSeen: 1770090000 },
        { start: 1770000000, clicks: 3, botClicks: 0, lastSeen: 1770000100 },
      ],
      conversions: [
        { start: 1770000000, conversions: 1, revenueUnits: 100050n },
        { start: 1770000000 + 2 * 86400, conversions: 1, revenueUnits: 50n },
      ],
    });
    const result = await new GetSeries(store).execute(command);
    expect(result.series.map((p) => [p.start, p.clicks, p.qualifiedClicks, p.conversions, p.revenue])).toEqual([
      [new Date(1770000000 * 1000).toISOString(), 3, 3, 1, 10.01],
      [new Date((1770000000 + 86400) * 1000).toISOString(), 5, 4, 0, 0],
      [new Date((1770000000 + 2 * 86400) * 1000).toISOString(), 0, 0, 1, 0.01],
    ]);
    // The total is rounded once, from exact units (10.005 + 0.005 = 10.01), not from rounded points.
    expect(result.summary).toMatchObject({ clicks: 8, botClicks: 1, qualifiedClicks: 7, conversions: 2, revenue: 10.01, lastSeenAt: new Date(1770090000 * 1000).toISOString() });
    expect(store.seriesQueries[0].source).toBe('rollup');
  });

  it('reads the raw tables in a zone with a fractional offset', async () => {
    const store = fakeStore({});
    const result = await new GetSeries(store).execute({ ...command, timeZone: 'Asia/Kolkata' });
    expect(store.seriesQueries[0].source).toBe('raw');
    expect(result.summary).toMatchObject({ clicks: 0, conversions: 0, conversionRate: 0, confidence: 0, lastSeenAt: null });
  });
});
