/**
 * Ingest and analytics benchmark (`npm run bench:ingest`, i.e. `node dist/bench/ingest/run.js`).
 *
 * Everything runs on state of its own: a private single-node Kafka broker (started from the jars
 * deploy/infra.sh fetched, with the platform's own topic names), a private ClickHouse database,
 * and the BUILT projector as a child process pointed at them with production settings. Measures:
 *   1. sustained ingest: clicks produced as fast as possible while the projector runs, from the
 *      first produce until every row is queryable (and the projector's own drain rate);
 *   2. freshness: at a moderate background load, the time from producing a click to seeing it
 *      counted in the funnel rollup (campaign_clicks_hourly), p50/p95/max;
 *   3. analytics query latency over >= 10M clicks generated with INSERT ... SELECT FROM
 *      system.numbers (the materialized views fill as for real inserts), asked of the projector
 *      over its Kafka request-reply topics as the gateway asks it (request, the projector's
 *      parsing and queries, reply), next to the same funnel question asked of the raw table.
 * The projector serves its analytics RPCs on the private broker, so no other stack sees them; every
 * timed answer is checked against the generated counts.
 * The bench imports libraries only: the projector is driven through its topics, as in production.
 * The database is dropped and the broker stopped and removed at the end.
 *
 * Clicks reach Kafka as the redirect edge sends them: batches of CLICK_BATCH_SIZE (500) clicks,
 * each produced as one record per campaign (clickRecords, an event batch of that campaign's clicks).
 *
 * Env: BENCH_CLICKS (default 300000), BENCH_BIG_CLICKS (10000000), BENCH_FRESHNESS_RATE (2000/s),
 * BENCH_QUERY_RUNS (50), CLICKHOUSE_URL.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClientKafka } from '@nestjs/microservices';
import { CompressionTypes, Kafka, logLevel, Producer } from 'kafkajs';
import { firstValueFrom, timeout } from 'rxjs';
import { CH_TABLES, ClickHouse, createClickHouse, identifier, Sql, sql, toNumber } from '@funnel/clickhouse';
import {
  BotReasonResult,
  ClickRecordedV1,
  createEnvelope,
  encodeEventBatch,
  Envelope,
  FunnelResult,
  MAX_BATCHED_EVENTS,
  newEventId,
  RPC,
  RpcPattern,
  RpcReply,
  RpcRequest,
  SegmentResult,
  SeriesResult,
} from '@funnel/contracts';
import { ensureTopics, parseBrokers, rpcTransport } from '@funnel/kafka';
import { PrivateKafka } from '@funnel/testing';
import { TOPICS } from '@funnel/contracts';
import { ROOT } from '../common/processes';

const MAIN = resolve(ROOT, 'dist/apps/analytics-projector/src/main.js');
/** The private broker's address, once it runs. */
let BROKERS = '';
const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const CLICKS = Number(process.env.BENCH_CLICKS ?? 300000);
const BIG = Number(process.env.BENCH_BIG_CLICKS ?? 10000000);
const FRESHNESS_RATE = Number(process.env.BENCH_FRESHNESS_RATE ?? 2000);
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 50);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const id = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const database = `bench_ingest_${id}`;
const clicksTopic = TOPICS.clicks;
const groupId = `bench-ingest-${id}`;
const handle = `bench${id}`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const SOURCES = ['email', 'social', 'direct', 'search'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', ''];
const DEVICES = ['mobile', 'desktop', 'tablet'] as const;

/** A click as the edge queues it: its record key and its envelope. */
interface ClickMessage {
  key: string;
  envelope: Envelope<ClickRecordedV1>;
}

function clickMessage(campaignId: string, i: number): ClickMessage {
  const clickId = newEventId();
  const envelope = createEnvelope<ClickRecordedV1>({
    type: ClickRecordedV1.type,
    version: ClickRecordedV1.version,
    handle,
    aggregateId: clickId,
    payload: {
      clickId,
      campaignId,
      linkSlug: 'promo',
      visitorId: `v${i % 10000}`,
      userAgent: 'Mozilla/5.0 (bench)',
      referrer: '',
      source: SOURCES[i % SOURCES.length],
      country: COUNTRIES[i % COUNTRIES.length],
      device: DEVICES[i % DEVICES.length],
      isBot: i % 10 === 0,
      botReason: i % 10 === 0 ? 'ua' : null,
      browser: 'Mobile Safari',
      os: 'iOS',
      variantId: i % 3 === 0 ? 'variant-a' : null,
    },
  });
  // The edge's key: one campaign's clicks share a partition.
  return { key: `${handle}/${campaignId}`, envelope };
}

async function countClicks(clickhouse: ClickHouse, campaignPrefix: string): Promise<number> {
  const [row] = await clickhouse.query<{ n: string }>(
    sql`SELECT count() AS n FROM ${identifier(CH_TABLES.clicks)} WHERE handle = ${handle} AND startsWith(campaign_id, ${campaignPrefix})`,
  );
  return toNumber(row?.n);
}

/**
 * The records the edge produces for a batch of clicks (docs/redirect-service.md): one per key,
 * each an event batch (encodeEventBatch) of at most MAX_BATCHED_EVENTS envelopes of that key.
 */
function clickRecords(batch: readonly ClickMessage[]): { key: string; value: string; headers: Record<string, string> }[] {
  const byKey = new Map<string, Envelope<ClickRecordedV1>[]>();
  for (const click of batch) byKey.set(click.key, [...(byKey.get(click.key) ?? []), click.envelope]);
  const records: { key: string; value: string; headers: Record<string, string> }[] = [];
  for (const [key, envelopes] of byKey) {
    for (let i = 0; i < envelopes.length; i += MAX_BATCHED_EVENTS) {
      const chunk = envelopes.slice(i, i + MAX_BATCHED_EVENTS);
      records.push({ key, value: encodeEventBatch(chunk), headers: { 'event-type': ClickRecordedV1.type, 'event-count': String(chunk.length) } });
    }
  }
  return records;
}

/** A campaign's clicks as the funnel reads them: from the hourly rollup its materialized view fills. */
async function rollupClicks(clickhouse: ClickHouse, campaignId: string): Promise<number> {
  const [row] = await clickhouse.query<{ n: string }>(
    sql`SELECT countMerge(clicks) AS n FROM ${identifier(CH_TABLES.campaignClicksHourly)} WHERE handle = ${handle} AND campaign_id = ${campaignId}`,
  );
  return toNumber(row?.n);
}

/** The edge's default batch (CLICK_BATCH_SIZE): what one of its produces carries at full load. */
const EDGE_BATCH = 500;

async function send(producer: Producer, clicks: readonly ClickMessage[]): Promise<void> {
  await producer.send({ topic: clicksTopic, messages: clickRecords(clicks), acks: -1, compression: CompressionTypes.None });
}

/** Produces the clicks in edge-sized batches, `concurrency` produces in flight (several edges). */
async function produceAll(producer: Producer, clicks: readonly ClickMessage[], chunk = EDGE_BATCH, concurrency = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < clicks.length) {
      const slice = clicks.slice(next, next + chunk);
      next += chunk;
      await send(producer, slice);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function startProjector(port: number): ChildProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      LOG_LEVEL: 'error',
      KAFKA_BROKERS: BROKERS,
      CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: database,
      PROJECTOR_PORT: String(port),
      PROJECTOR_GROUP_ID: groupId,
    },
  });
  return child;
}

async function waitHealthy(port: number, timeoutMs = 90000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error('the projector did not become healthy');
}

const ANALYTICS_PATTERNS: RpcPattern[] = [RPC.analyticsFunnel, RPC.analyticsGroupBy, RPC.analyticsSeries];

/** A request-reply client like the gateway's, its replies consumed in a group of its own. */
async function connectRpc(): Promise<ClientKafka> {
  const client = new ClientKafka(rpcTransport({ KAFKA_BROKERS: BROKERS }, `bench-ingest-${id}`, `bench-ingest-rpc-${id}`).options ?? {});
  for (const pattern of ANALYTICS_PATTERNS) client.subscribeToResponseOf(pattern);
  await client.connect();
  const deadline = Date.now() + 60000;
  while (!ANALYTICS_PATTERNS.every((pattern) => client.getConsumerAssignments()[`${pattern}.reply`] !== undefined)) {
    if (Date.now() > deadline) throw new Error('no partition of the analytics reply topics was assigned to the bench client');
    await sleep(100);
  }
  return client;
}

/** Sends one analytics request for `handle` and returns the reply's data (an RPC error throws). */
function rpcAsker(client: ClientKafka, handle: string) {
  let n = 0;
  return async <T>(pattern: RpcPattern, body: object): Promise<T> => {
    const request: RpcRequest<object> = { handle, requestId: `bench-${id}-${n++}`, actor: { sub: 'bench', role: 'ADMIN' }, params: {}, body };
    const reply = await firstValueFrom(client.send<RpcReply<T>, RpcRequest<object>>(pattern, request).pipe(timeout({ first: 30000 })));
    if (!reply.ok) throw new Error(`${pattern} answered ${reply.error.status} ${reply.error.error}: ${reply.error.message}`);
    return reply.data;
  };
}

async function timeQuery(run: () => Promise<unknown>, runs: number): Promise<{ p50: number; p95: number }> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main(): Promise<void> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run the build first (npm run build)`);
  const brokerDir = mkdtempSync(join(tmpdir(), 'bench-ingest-kafka-'));
  const broker = await PrivateKafka.create(brokerDir);
  console.log('starting a private Kafka broker for the bench...');
  await broker.start();
  BROKERS = broker.brokers;
  // The platform's topics (clicks with their partitions, RPC topics) on the private broker.
  await ensureTopics(new Kafka({ clientId: `bench-ingest-${id}-admin`, brokers: parseBrokers(BROKERS), logLevel: logLevel.ERROR }));
  const kafka = new Kafka({ clientId: `bench-ingest-${id}`, brokers: parseBrokers(BROKERS), logLevel: logLevel.ERROR });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  // Generating 10M rows with their rollups takes longer than the default 30 s request timeout.
  const clickhouse = createClickHouse({ url: CLICKHOUSE_URL, database, requestTimeoutMs: 900000 });
  const port = 39000 + Math.floor(Math.random() * 1000);
  let child: ChildProcess | undefined;
  let rpc: ClientKafka | undefined;
  const out: string[] = [];
  const report = (line: string) => {
    out.push(line);
    console.log(line);
  };

  try {
    // 1a. Drain: a backlog produced before the projector starts, so the projector alone is measured.
    const backlog = Array.from({ length: CLICKS }, (_, i) => clickMessage(`drain-${i % 20}`, i));
    let t0 = performance.now();
    await produceAll(producer, backlog);
    report(`producer alone: ${CLICKS} clicks in ${((performance.now() - t0) / 1000).toFixed(2)} s (${Math.round(CLICKS / ((performance.now() - t0) / 1000))}/s)`);
    child = startProjector(port);
    await waitHealthy(port);
    report(`projector up (private database ${database}, private broker ${BROKERS}, topic ${clicksTopic})`);
    let first = { at: 0, n: 0 };
    for (;;) {
      const n = await countClicks(clickhouse, 'drain-');
      if (n > 0 && first.at === 0) first = { at: performance.now(), n };
      if (n >= CLICKS) break;
      await sleep(25);
    }
    const drainMs = performance.now() - first.at;
    report(`ingest (drain of a backlog): ${CLICKS - first.n} clicks queryable in ${(drainMs / 1000).toFixed(2)} s -> ${Math.round((CLICKS - first.n) / (drainMs / 1000))} clicks/s`);

    // 1b. Sustained: produced as fast as possible while the projector consumes, first produce to last row queryable.
    const messages = Array.from({ length: CLICKS }, (_, i) => clickMessage(`ingest-${i % 20}`, i));
    t0 = performance.now();
    await produceAll(producer, messages);
    const produced = performance.now() - t0;
    while ((await countClicks(clickhouse, 'ingest-')) < CLICKS) await sleep(25);
    const total = performance.now() - t0;
    report(`ingest (produce and project at once): ${CLICKS} clicks produced in ${(produced / 1000).toFixed(2)} s, all queryable after ${(total / 1000).toFixed(2)} s -> ${Math.round(CLICKS / (total / 1000))} clicks/s produce-to-queryable`);

    // 2. Freshness at moderate load: background clicks at FRESHNESS_RATE/s, probes every 250 ms.
    let stop = false;
    let background = 0;
    const load = (async () => {
      while (!stop) {
        const started = performance.now();
        const batch = Array.from({ length: Math.max(1, Math.round(FRESHNESS_RATE / 10)) }, (_, i) => clickMessage(`load-${i % 10}`, background + i));
        background += batch.length;
        await send(producer, batch);
        await sleep(Math.max(0, 100 - (performance.now() - started)));
      }
    })();
    const latencies: number[] = [];
    for (let probe = 0; probe < 40; probe++) {
      const campaignId = `probe-${probe}`;
      const sent = performance.now();
      await send(producer, [clickMessage(campaignId, probe)]);
      for (;;) {
        if ((await rollupClicks(clickhouse, campaignId)) > 0) break;
        if (performance.now() - sent > 30000) throw new Error(`probe ${probe} not visible after 30 s`);
        await sleep(10);
      }
      latencies.push(performance.now() - sent);
      await sleep(250);
    }
    stop = true;
    await load;
    report(
      `freshness at ~${FRESHNESS_RATE} clicks/s: produce -> counted in the funnel p50 ${Math.round(percentile(latencies, 50))} ms, ` +
        `p95 ${Math.round(percentile(latencies, 95))} ms, max ${Math.round(Math.max(...latencies))} ms (${latencies.length} probes)`,
    );

    // 3. Analytics queries over BIG generated clicks (20 campaigns, 90 days), through the projector vs raw.
    const big = `${handle}big`;
    const t1 = performance.now();
    await clickhouse.command(sql`
      INSERT INTO ${identifier(CH_TABLES.clicks)}
      SELECT
        concat('e', toString(number)) AS event_id, concat('c', toString(number)) AS click_id, ${big} AS handle,
        concat('campaign-', toString(number % 20)) AS campaign_id, 'promo' AS link_slug,
        toDateTime(${Math.floor(Date.UTC(2026, 0, 1) / 1000)} + intDiv(number * 7776000, ${BIG})) AS occurred_at,
        concat('v', toString(number % 100000)) AS visitor_id,
        ['email', 'social', 'direct', 'search'][number % 4 + 1] AS source,
        ['US', 'GB', 'DE', 'FR', ''][number % 5 + 1] AS country,
        ['mobile', 'desktop', 'tablet', 'bot'][number % 4 + 1] AS device,
        toUInt8(number % 4 = 3) AS is_bot, if(number % 4 = 3, 'ua', '') AS bot_reason,
        if(number % 3 = 0, 'variant-a', '') AS variant_id, 'Mozilla/5.0' AS user_agent, '' AS referrer,
        'generated' AS kafka_topic, toUInt32(0) AS kafka_partition, number AS kafka_offset, now() AS inserted_at,
        ['Mobile Safari', 'Chrome', 'Firefox'][number % 3 + 1] AS browser, ['iOS', 'Windows', 'Android'][number % 3 + 1] AS os
      FROM system.numbers LIMIT ${BIG}`);
    report(`generated ${BIG} clicks (and their rollups) in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const [sizes] = await clickhouse.query<{ raw: string; hourly: string; breakdown: string }>(sql`
      SELECT
        (SELECT count() FROM ${identifier(CH_TABLES.clicks)} WHERE handle = ${big}) AS raw,
        (SELECT count() FROM ${identifier(CH_TABLES.campaignClicksHourly)} WHERE handle = ${big}) AS hourly,
        (SELECT count() FROM ${identifier(CH_TABLES.campaignBreakdownDaily)} WHERE handle = ${big}) AS breakdown`);
    report(`rows for the query handle: raw ${toNumber(sizes.raw)}, campaign_clicks_hourly ${toNumber(sizes.hourly)}, campaign_breakdown_daily ${toNumber(sizes.breakdown)}`);

    rpc = await connectRpc();
    const ask = rpcAsker(rpc, big);
    const perCampaign = BIG / 20;
    const funnelOf = (campaignId?: string) => async () => {
      const result = await ask<FunnelResult>(RPC.analyticsFunnel, campaignId === undefined ? {} : { campaignId });
      const row = campaignId === undefined ? result.funnel.find((r) => r.campaignId === 'campaign-7') : result.funnel[0];
      if (row?.clicks !== perCampaign) throw new Error(`the funnel answered ${row?.clicks} clicks for campaign-7, expected ${perCampaign}`);
      return result;
    };
    report(`projector serving the analytics RPCs on the query handle; each answer below is checked (clicks per campaign = ${perCampaign})`);
    const one = await timeQuery(funnelOf('campaign-7'), QUERY_RUNS);
    const all = await timeQuery(funnelOf(), QUERY_RUNS);
    const funnel = await funnelOf('campaign-7')();
    // The same question of the raw table: totals, bots, last click and the three breakdowns.
    const raw = (scope: Sql) => async () => {
      await Promise.all([
        clickhouse.query(sql`SELECT campaign_id, count() AS clicks, sum(is_bot) AS bots, max(occurred_at) AS last FROM ${identifier(CH_TABLES.clicks)} WHERE ${scope} GROUP BY campaign_id`),
        clickhouse.query(sql`SELECT source, count() FROM ${identifier(CH_TABLES.clicks)} WHERE ${scope} GROUP BY source`),
        clickhouse.query(sql`SELECT country, count() FROM ${identifier(CH_TABLES.clicks)} WHERE ${scope} GROUP BY country`),
        clickhouse.query(sql`SELECT device, count() FROM ${identifier(CH_TABLES.clicks)} WHERE ${scope} GROUP BY device`),
      ]);
    };
    const rawOne = await timeQuery(raw(sql`handle = ${big} AND campaign_id = ${'campaign-7'}`), Math.min(QUERY_RUNS, 20));
    const rawAll = await timeQuery(raw(sql`handle = ${big} AND campaign_id != ''`), Math.min(QUERY_RUNS, 20));
    report(`funnel of one campaign (${funnel.funnel[0]?.clicks} clicks) through the projector's RPC: p50 ${one.p50.toFixed(1)} ms, p95 ${one.p95.toFixed(1)} ms; from the raw table: p50 ${rawOne.p50.toFixed(1)} ms, p95 ${rawOne.p95.toFixed(1)} ms`);
    report(`funnel of all 20 campaigns + aggregate (${BIG} clicks) through the projector's RPC: p50 ${all.p50.toFixed(1)} ms, p95 ${all.p95.toFixed(1)} ms; from the raw table: p50 ${rawAll.p50.toFixed(1)} ms, p95 ${rawAll.p95.toFixed(1)} ms`);

    // The other views over the same clicks, with one conversion per 50 clicks (on known clicks).
    // Each carries its click's variant, as the projector stores conversion.recorded's clickVariantId,
    // so the conversion rollups (segments included) fill through their views.
    await clickhouse.command(sql`
      INSERT INTO ${identifier(CH_TABLES.conversions)}
      SELECT
        concat('x', toString(number)) AS event_id, concat('k', toString(number)) AS conversion_id, ${big} AS handle,
        concat('campaign-', toString(number % 20)) AS campaign_id, concat('c', toString(number)) AS click_id, '' AS order_id,
        'purchase' AS event_type, toDecimal64(number % 10000 / 100, 4) AS value, 'USD' AS currency, '{}' AS metadata, toUInt8(0) AS test,
        toDateTime(${Math.floor(Date.UTC(2026, 0, 1) / 1000)} + intDiv(number * 7776000, ${BIG})) AS occurred_at,
        'generated' AS kafka_topic, toUInt32(0) AS kafka_partition, number AS kafka_offset, now() AS inserted_at,
        if(number % 3 = 0, 'variant-a', '') AS click_variant_id, toUInt8(1) AS click_variant_known
      FROM system.numbers WHERE number % 50 = 7 LIMIT ${Math.floor(BIG / 50)}`);
    const checked =
      <T>(what: string, run: () => Promise<T>, valid: (result: T) => boolean) =>
      async (): Promise<T> => {
        const result = await run();
        if (!valid(result)) throw new Error(`unexpected ${what} answer: ${JSON.stringify(result).slice(0, 300)}`);
        return result;
      };
    const sumClicks = (rows: readonly { clicks: number }[]) => rows.reduce((n, r) => n + r.clicks, 0);
    const segments = await timeQuery(
      checked('groupBy=segment', () => ask<SegmentResult>(RPC.analyticsGroupBy, { groupBy: 'segment', campaignId: 'campaign-7' }), (r) => sumClicks(r.segments) === perCampaign),
      QUERY_RUNS,
    );
    const reasons = await timeQuery(
      checked('groupBy=botReason', () => ask<BotReasonResult>(RPC.analyticsGroupBy, { groupBy: 'botReason', campaignId: 'campaign-7' }), (r) => r.botReasons.length > 0 && r.botClicks > 0),
      QUERY_RUNS,
    );
    const range = { from: new Date(Date.UTC(2026, 0, 1)).toISOString(), to: new Date(Date.UTC(2026, 2, 31)).toISOString() };
    const perDay = await timeQuery(
      checked('series per day', () => ask<SeriesResult>(RPC.analyticsSeries, { granularity: 'day', timeZone: 'Europe/Paris', ...range }), (r) => r.series.length > 0),
      QUERY_RUNS,
    );
    const perMonth = await timeQuery(
      checked('series per month', () => ask<SeriesResult>(RPC.analyticsSeries, { granularity: 'month', timeZone: 'America/New_York', campaignId: 'campaign-7', ...range }), (r) => r.series.length > 0),
      QUERY_RUNS,
    );
    // Conversions fall on numbers 7 mod 50, i.e. campaigns 7 and 17: half of them are campaign-7's.
    report(`groupBy=segment of one campaign (${BIG / 20} clicks, ${Math.floor(BIG / 100)} conversions, both from their rollups): p50 ${segments.p50.toFixed(1)} ms, p95 ${segments.p95.toFixed(1)} ms`);
    report(`groupBy=botReason of one campaign: p50 ${reasons.p50.toFixed(1)} ms, p95 ${reasons.p95.toFixed(1)} ms`);
    report(`series per day (Europe/Paris, 90 days, all campaigns): p50 ${perDay.p50.toFixed(1)} ms, p95 ${perDay.p95.toFixed(1)} ms; per month (America/New_York, one campaign): p50 ${perMonth.p50.toFixed(1)} ms, p95 ${perMonth.p95.toFixed(1)} ms`);
  } finally {
    await rpc?.close().catch(() => undefined);
    if (child) {
      child.kill('SIGKILL');
      await new Promise((r) => child?.once('exit', r));
    }
    await producer.disconnect().catch(() => undefined);
    await clickhouse.command(sql`DROP DATABASE IF EXISTS ${identifier(database)}`).catch((e: Error) => console.error(`could not drop ${database}: ${e.message}`));
    await clickhouse.close();
    await broker.stop();
    rmSync(brokerDir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(`bench:ingest failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
