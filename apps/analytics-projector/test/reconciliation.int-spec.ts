import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { CH_TABLES, identifier, sql, toNumber } from '@funnel/clickhouse';
import { AnalyticsQuery, parseAnalyticsDate, RpcReply, TOPICS } from '@funnel/contracts';
import { EventProducer } from '@funnel/kafka';
import { uniqueId, waitFor } from '@funnel/testing';
import { AnalyticsController } from '../src/analytics/analytics.controller';
import { FunnelController } from '../src/funnel/funnel.controller';
import { createProjectorBed, ProjectorBed } from './projector-harness';
import { expectedAggregate, expectedBotReasons, expectedFunnel, expectedSegments, expectedSeries, generateTraffic, Traffic } from './traffic';

const SEED = 20260225;

/**
 * Seeded random traffic (clicks across campaigns, countries, devices, sources, variants and bots;
 * conversions with 4-decimal revenue carrying their click's variant, test ones, unattributed ones,
 * ones on unknown clicks, ones whose event leaves the variant out; 5% of all messages delivered
 * twice) goes through the real topics into a projector of its own; every figure of every analytics
 * view is then compared exactly with what the test computes itself.
 */
describe('analytics reconciliation (seeded traffic, every view)', () => {
  let bed: ProjectorBed;
  let app: INestApplicationContext;
  let traffic: Traffic;

  beforeAll(async () => {
    bed = await createProjectorBed([TOPICS.clicks, TOPICS.conversions]);
    app = await bed.start();
    traffic = generateTraffic({
      handle: uniqueId('recon'),
      seed: SEED,
      clicks: 4000,
      fromMs: Date.UTC(2026, 0, 20),
      toMs: Date.UTC(2026, 2, 20),
    });
    const producer = new EventProducer(bed.kafka);
    await producer.connect();
    try {
      for (let i = 0; i < traffic.clickMessages.length; i += 500) await producer.send(TOPICS.clicks, traffic.clickMessages.slice(i, i + 500));
      for (let i = 0; i < traffic.conversionMessages.length; i += 500) await producer.send(TOPICS.conversions, traffic.conversionMessages.slice(i, i + 500));
    } finally {
      await producer.disconnect();
    }
    const count = async (table: string) => {
      const [row] = await bed.clickhouse.query<{ n: string }>(sql`SELECT count() AS n FROM ${identifier(table)} WHERE handle = ${traffic.handle}`);
      return toNumber(row.n);
    };
    await waitFor(() => count(CH_TABLES.clicks), (n) => n >= traffic.clicks.length, { timeoutMs: 60000, what: 'all clicks stored' });
    await waitFor(() => count(CH_TABLES.conversions), (n) => n >= traffic.conversions.length, { timeoutMs: 60000, what: 'all conversions stored' });
    // 18.16 makes a raw part visible before the parts its views write for the same insert.
    const rolledUp = async () => {
      const [row] = await bed.clickhouse.query<{ hourly: string; daily: string; conversions: string; segments: string }>(sql`
        SELECT
          (SELECT countMerge(clicks) FROM ${identifier(CH_TABLES.campaignClicksHourly)} WHERE handle = ${traffic.handle}) AS hourly,
          (SELECT sum(clicks) FROM ${identifier(CH_TABLES.campaignBreakdownDaily)} WHERE handle = ${traffic.handle} AND dimension = 'device') AS daily,
          (SELECT sum(conversions) FROM ${identifier(CH_TABLES.campaignConversionsHourly)} WHERE handle = ${traffic.handle}) AS conversions,
          (SELECT sum(conversions) FROM ${identifier(CH_TABLES.campaignSegmentConversionsDaily)} WHERE handle = ${traffic.handle}) AS segments`);
      return [row.hourly, row.daily, row.conversions, row.segments].map(toNumber);
    };
    const counted = traffic.conversions.filter((c) => c.counted).length;
    await waitFor(
      rolledUp,
      ([hourly, daily, conversions, segments]) => hourly >= traffic.clicks.length && daily >= traffic.clicks.length && conversions >= counted && segments >= counted,
      { timeoutMs: 30000, what: 'every click and counted conversion rolled up' },
    );
  }, 120000);

  afterAll(async () => {
    await bed?.close();
  });

  const request = (body: AnalyticsQuery) => ({ handle: traffic.handle, requestId: 'recon', actor: { sub: 'u', role: 'CREATOR' }, params: {}, body });
  const data = <T>(reply: RpcReply<T>): T => {
    if (!reply.ok) throw new Error(`RPC failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };

  it('sent redeliveries, and stored every event exactly once', async () => {
    // Click records are event batches (or lone envelopes): count the clicks they carry.
    const sentClicks = traffic.clickMessages.reduce((n, m) => n + (m.value?.startsWith('[') ? (JSON.parse(m.value) as unknown[]).length : 1), 0);
    expect(sentClicks).toBeGreaterThan(traffic.clicks.length);
    expect(traffic.clickMessages.length).toBeLessThan(traffic.clicks.length);
    expect(traffic.conversionMessages.length).toBeGreaterThan(traffic.conversions.length);
    const [row] = await bed.clickhouse.query<{ n: string; ids: string }>(
      sql`SELECT count() AS n, uniqExact(event_id) AS ids FROM ${identifier(CH_TABLES.clicks)} WHERE handle = ${traffic.handle}`,
    );
    expect([toNumber(row.n), toNumber(row.ids)]).toEqual([traffic.clicks.length, traffic.clicks.length]);
  });

  it('reports every campaign funnel and the aggregate exactly', async () => {
    const funnels = app.get(FunnelController);
    for (const campaignId of traffic.campaigns) {
      expect(data(await funnels.funnel(request({ funnel: 'true', campaignId })))).toEqual(expectedFunnel(traffic, campaignId));
    }
    expect(data(await funnels.funnel(request({ funnel: 'true' })))).toEqual(expectedAggregate(traffic));
  });

  it('reports segments and bot reasons of every campaign exactly', async () => {
    // The traffic puts conversions in every kind of segment: variants, default and unknown.
    const converting = traffic.campaigns.flatMap((id) => expectedSegments(traffic, id).segments.filter((s) => s.conversions > 0).map((s) => s.segment));
    expect([...new Set(converting)].sort()).toEqual(['default', 'geo-eu', 'mobile-optimized', 'unknown']);
    const analytics = app.get(AnalyticsController);
    for (const campaignId of traffic.campaigns) {
      expect(data(await analytics.groupBy(request({ groupBy: 'segment', campaignId })))).toEqual(expectedSegments(traffic, campaignId));
      expect(data(await analytics.groupBy(request({ groupBy: 'botReason', campaignId })))).toEqual(expectedBotReasons(traffic, campaignId));
    }
  });

  const series: Array<[string, AnalyticsQuery & { granularity: 'hour' | 'day' | 'month' }]> = [
    ['per day in New York across DST, one campaign', { granularity: 'day', timeZone: 'America/New_York', from: '2026-01-15', to: '2026-03-25', campaignId: 'alpha-launch' }],
    ['per month in Paris, all campaigns', { granularity: 'month', timeZone: 'Europe/Paris', from: '2026-01-01', to: '2026-04-01' }],
    ['per hour in UTC over two weeks', { granularity: 'hour', timeZone: 'UTC', from: '2026-03-01T00:00:00Z', to: '2026-03-15T00:00:00Z', campaignId: 'beta-sale' }],
    ['per hour in New York, a range starting mid-hour', { granularity: 'hour', timeZone: 'America/New_York', from: '2026-03-07T10:30:00Z', to: '2026-03-10T00:00:00Z' }],
    ['per day in Kolkata (raw tables: +05:30)', { granularity: 'day', timeZone: 'Asia/Kolkata', from: '2026-01-15', to: '2026-03-25' }],
    ['per hour in Kolkata (raw tables: +05:30)', { granularity: 'hour', timeZone: 'Asia/Kolkata', from: '2026-03-01', to: '2026-03-08', campaignId: 'gamma-news' }],
  ];

  it.each(series)('reports the series %s exactly', async (_name, query) => {
    const result = data(await app.get(AnalyticsController).series(request(query)));
    const from = parseAnalyticsDate(query.from as string, query.timeZone as string) as Date;
    const to = parseAnalyticsDate(query.to as string, query.timeZone as string) as Date;
    const expected = expectedSeries(traffic, { ...query, timeZone: query.timeZone as string, from, to });
    expect(expected.series.length).toBeGreaterThan(1);
    expect(result).toEqual(expected);
  });

  it('answers a bad range with the field named, and another handle with nothing', async () => {
    const analytics = app.get(AnalyticsController);
    expect(await analytics.series(request({ granularity: 'day', from: '2026-03-01', to: '2026-02-01' }))).toMatchObject({
      ok: false,
      error: { status: 400, fields: [{ field: 'to', code: 'invalid_range' }] },
    });
    const other = { ...request({ groupBy: 'segment', campaignId: 'alpha-launch' }), handle: uniqueId('other') };
    expect(data(await analytics.groupBy(other))).toEqual({ campaignId: 'alpha-launch', groupBy: 'segment', segments: [] });
  });
});
