import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { CH_TABLES, identifier, sql, toNumber } from '@funnel/clickhouse';
import { AnalyticsQuery, ClickRecordedV1, createEnvelope, encodeEventBatch, Envelope, FunnelResult, FunnelView, RpcReply, SeriesResult, TOPICS } from '@funnel/contracts';
import { EventProducer, OutgoingMessage } from '@funnel/kafka';
import { uniqueId, waitFor } from '@funnel/testing';
import { AnalyticsController } from '../src/analytics/analytics.controller';
import { FunnelController } from '../src/funnel/funnel.controller';
import { createProjectorBed, ProjectorBed } from './projector-harness';

/**
 * Hostile-tenant cases of the analytics projector. 10,000 distinct utm_source values in one campaign's funnel (visitor-controlled
 * values), plus 25 popular sources, one of them literally "other". Through the real topics into a
 * projector of its own and real ClickHouse: every breakdown stays top N + one `other` row, and
 * each list still sums exactly to the clicks sent. Time-zone names in any letter case are
 * canonicalised before ClickHouse (which would refuse `Europe/berlin`), unknown ones are a 400.
 */
describe('bounded breakdowns (10,000 distinct sources in one funnel)', () => {
  const handle = uniqueId('hostile');
  const campaignId = 'flood';
  const DISTINCT = 10_000;
  /** Popular sources with distinct counts (60, 58, ..., 12): a deterministic top 20. */
  const popular = Array.from({ length: 25 }, (_, i) => ({ source: i === 3 ? 'other' : `popular-${String(i).padStart(2, '0')}`, count: 60 - 2 * i }));
  const total = DISTINCT + popular.reduce((a, p) => a + p.count, 0);
  let bed: ProjectorBed;
  let app: INestApplicationContext;

  beforeAll(async () => {
    bed = await createProjectorBed([TOPICS.clicks]);
    app = await bed.start();
    const sources = [...Array.from({ length: DISTINCT }, (_, i) => `utm-${i}-${randomUUID().slice(0, 8)}`), ...popular.flatMap((p) => Array<string>(p.count).fill(p.source))];
    const at = Date.UTC(2026, 1, 10, 12);
    const envelopes: Array<Envelope<ClickRecordedV1>> = sources.map((source, i) => {
      const clickId = randomUUID();
      return createEnvelope<ClickRecordedV1>({
        type: ClickRecordedV1.type,
        version: ClickRecordedV1.version,
        handle,
        aggregateId: clickId,
        occurredAt: new Date(at + (i % 3600) * 1000),
        payload: {
          clickId,
          campaignId,
          linkSlug: 'promo',
          visitorId: `v${i}`,
          userAgent: 'Mozilla/5.0',
          referrer: '',
          source,
          country: i % 3 === 0 ? 'DE' : 'US',
          device: 'desktop',
          isBot: false,
          botReason: null,
          variantId: null,
        },
      });
    });
    const messages: OutgoingMessage[] = [];
    for (let i = 0; i < envelopes.length; i += 40) messages.push({ key: `${handle}/${campaignId}`, value: encodeEventBatch(envelopes.slice(i, i + 40)) });
    const producer = new EventProducer(bed.kafka);
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += 50) await producer.send(TOPICS.clicks, messages.slice(i, i + 50));
    } finally {
      await producer.disconnect();
    }
    const rolledUp = async () => {
      const [row] = await bed.clickhouse.query<{ hourly: string; daily: string }>(sql`
        SELECT
          (SELECT countMerge(clicks) FROM ${identifier(CH_TABLES.campaignClicksHourly)} WHERE handle = ${handle}) AS hourly,
          (SELECT sum(clicks) FROM ${identifier(CH_TABLES.campaignBreakdownDaily)} WHERE handle = ${handle} AND dimension = 'source') AS daily`);
      return [toNumber(row.hourly), toNumber(row.daily)];
    };
    await waitFor(rolledUp, ([hourly, daily]) => hourly >= total && daily >= total, { timeoutMs: 90000, what: 'every click rolled up' });
  }, 150000);

  afterAll(async () => {
    await bed?.close();
  });

  const funnel = async (body: Record<string, unknown>): Promise<RpcReply<FunnelResult>> =>
    app.get(FunnelController).funnel({ handle, requestId: 'hostile', actor: { sub: 'u', role: 'CREATOR' }, params: {}, body });
  const data = (reply: RpcReply<FunnelResult>): FunnelResult => {
    if (!reply.ok) throw new Error(`RPC failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
  const sum = (rows: Array<{ count: number }>) => rows.reduce((a, r) => a + r.count, 0);
  const expectedTop = (n: number) => popular.slice(0, n).map((p) => ({ source: p.source, count: p.count }));

  function expectBounded(view: Omit<FunnelView, 'campaignId'>, n: number): void {
    expect(view.clicks).toBe(total);
    expect(view.breakdown.source).toEqual([...expectedTop(n), { source: null, count: total - sum(expectedTop(n)), other: true }]);
    for (const dim of ['source', 'country', 'device'] as const) expect(sum(view.breakdown[dim])).toBe(total);
    expect(view.breakdown.country).toEqual([
      { country: 'US', count: total - Math.ceil(total / 3) },
      { country: 'DE', count: Math.ceil(total / 3) },
    ]);
    expect(view.breakdown.device).toEqual([{ device: 'desktop', count: total }]);
  }

  it('answers the campaign funnel with the top 20 sources and one other row, sums exact', async () => {
    const result = data(await funnel({ campaignId }));
    expect(result.funnel).toHaveLength(1);
    expectBounded(result.funnel[0], 20);
    // The real source "other" (4th most clicked) is a row of its own, distinct from the other row.
    expect(result.funnel[0].breakdown.source[3]).toEqual({ source: 'other', count: 54 });
    expect(JSON.stringify(result).length).toBeLessThan(4000);
  });

  it('honours breakdownLimit for the campaign and the aggregate', async () => {
    const five = data(await funnel({ campaignId, breakdownLimit: 5 }));
    expectBounded(five.funnel[0], 5);
    const all = data(await funnel({ breakdownLimit: 100 }));
    for (const view of [all.aggregate!, all.funnel[0]]) {
      const rows = view.breakdown.source;
      // The 25 popular sources, then 75 of the one-click sources (ties by name), then the rest.
      expect(rows).toHaveLength(101);
      expect(rows.slice(0, 25)).toEqual(expectedTop(25));
      expect(rows.slice(25, 100).every((r) => r.count === 1 && typeof r.source === 'string' && r.source.startsWith('utm-'))).toBe(true);
      expect(rows[100]).toEqual({ source: null, count: DISTINCT - 75, other: true });
      for (const dim of ['source', 'country', 'device'] as const) expect(sum(view.breakdown[dim])).toBe(total);
    }
  });

  it('answers a series in a zone named in the wrong letter case, and refuses an unknown zone with a 400', async () => {
    const series = (body: AnalyticsQuery): Promise<RpcReply<SeriesResult>> =>
      app.get(AnalyticsController).series({ handle, requestId: 'hostile', actor: { sub: 'u', role: 'CREATOR' }, params: {}, body });
    const range = { granularity: 'day' as const, from: '2026-02-09', to: '2026-02-12', campaignId };
    const proper = await series({ ...range, timeZone: 'Europe/Berlin' });
    for (const timeZone of ['Europe/berlin', 'EUROPE/BERLIN', 'europe/Berlin']) {
      const reply = await series({ ...range, timeZone });
      expect(reply).toEqual(proper);
      expect(reply.ok && reply.data.timeZone).toBe('Europe/Berlin');
      expect(reply.ok && reply.data.summary.clicks).toBe(total);
    }
    for (const timeZone of ['Europe/Berlinn', 'Mars/Olympus']) {
      expect(await series({ ...range, timeZone })).toMatchObject({ ok: false, error: { status: 400, fields: [{ field: 'timeZone', code: 'invalid_time_zone' }] } });
    }
  });

  it('refuses a breakdownLimit outside 1..100 with the field named', async () => {
    for (const breakdownLimit of [0, 101, 2.5]) {
      expect(await funnel({ campaignId, breakdownLimit })).toMatchObject({ ok: false, error: { status: 400, fields: [{ field: 'breakdownLimit' }] } });
    }
  });
});
