import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CH_TABLES, ClickHouse, createClickHouse, identifier, sql, toNumber } from '@funnel/clickhouse';
import { TOPICS } from '@funnel/contracts';
import { createKafka, ensureTopics, EventProducer } from '@funnel/kafka';
import { getInfra, uniqueId, waitFor } from '@funnel/testing';
import { AnalyticsRepository } from '../src/analytics/analytics.repository';
import { GetSegments } from '../src/analytics/use-cases/get-segments';
import { GetSeries } from '../src/analytics/use-cases/get-series';
import { FunnelRepository } from '../src/funnel/funnel.repository';
import { GetFunnel } from '../src/funnel/use-cases/get-funnel';
import { expectedAggregate, expectedFunnel, expectedSegments, expectedSeries, generateTraffic } from './traffic';

const ROOT = resolve(__dirname, '..', '..', '..');
const BUILT_APP_MODULE = resolve(ROOT, 'dist/apps/analytics-projector/src/app.module.js');
/**
 * The built projector booted as main.js boots it (HTTP and health included) but without its RPC
 * listener: it must not join the RPC group on the shared broker and answer the gateway from this
 * test's database.
 */
const CHILD = `
const { Module } = require('@nestjs/common');
const { loadConfig, ProjectorEnv } = require('./dist/libs/config/src/index.js');
const { bootstrapService } = require('./dist/libs/observability/src/index.js');
const { AppModule } = require('./dist/apps/analytics-projector/src/app.module.js');
const env = loadConfig(ProjectorEnv);
class ProjectorUnderTest {}
Module({ imports: [AppModule.register({ env, groupId: env.PROJECTOR_GROUP_ID })] })(ProjectorUnderTest);
bootstrapService({ service: 'analytics-projector', module: ProjectorUnderTest, port: env.PROJECTOR_PORT }).catch((e) => { console.error(e); process.exit(1); });
`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The BUILT projector (a separate process, its own database and consumer group, no RPC listener
 * so it never answers the gateway) is killed with SIGKILL several times while seeded traffic, with
 * redeliveries, flows into the real topics; after each kill it is started again. Once everything
 * is stored, every row is there once and the figures reconcile exactly.
 */
describe('analytics-projector killed with SIGKILL mid-traffic', () => {
  const database = uniqueId('projector_crash_');
  const groupId = uniqueId('analytics-projector-crash-');
  const port = 39000 + Math.floor(Math.random() * 1000);
  let clickhouse: ClickHouse;
  let child: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  const exits: Array<number | string | null> = [];

  const start = () => {
    const proc = spawn(process.execPath, ['-e', CHILD], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.resume();
    proc.on('exit', (code, signal) => exits.push(signal ?? code));
    child = proc;
  };
  const kill = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    if (!existsSync(BUILT_APP_MODULE)) throw new Error(`${BUILT_APP_MODULE} is missing: build first (bash deploy/build.sh)`);
    const infra = await getInfra();
    const kafka = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, uniqueId('crash-admin-'));
    await ensureTopics(kafka);
    // The group starts at the current end of the topics: it reads what the test produces, never history.
    const admin = kafka.admin();
    await admin.connect();
    for (const topic of [TOPICS.clicks, TOPICS.conversions]) {
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })) });
    }
    await admin.disconnect();
    env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      KAFKA_BROKERS: infra.kafkaBrokers,
      CLICKHOUSE_URL: infra.clickhouseUrl,
      CLICKHOUSE_DATABASE: database,
      PROJECTOR_PORT: String(port),
      PROJECTOR_GROUP_ID: groupId,
      // A killed member leaves the group after 6 s (the broker's minimum) instead of 30.
      PROJECTOR_SESSION_TIMEOUT_MS: '6000',
    };
    clickhouse = createClickHouse({ url: infra.clickhouseUrl, database });
  });

  afterAll(async () => {
    await kill();
    const infra = await getInfra();
    const admin = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, uniqueId('crash-admin-')).admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
    await clickhouse?.command(sql`DROP DATABASE IF EXISTS ${identifier(database)}`).catch(() => undefined);
    await clickhouse?.close();
  });

  it('stores every event once and reconciles exactly after three SIGKILLs', async () => {
    const traffic = generateTraffic({ handle: uniqueId('crash'), seed: 7, clicks: 3000, fromMs: Date.UTC(2026, 1, 1), toMs: Date.UTC(2026, 1, 20) });
    start();
    const infra = await getInfra();
    const producer = new EventProducer(createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, uniqueId('crash-producer-')));
    await producer.connect();
    const stored = async () => {
      const [row] = await clickhouse.query<{ n: string }>(sql`SELECT count() AS n FROM ${identifier(CH_TABLES.clicks)} WHERE handle = ${traffic.handle}`).catch(() => [{ n: '0' }]);
      return toNumber(row.n);
    };
    try {
      // Traffic in 30 slices; the projector is killed after slices 8, 16 and 24 once it has stored something new.
      const slices = 30;
      const clickStep = Math.ceil(traffic.clickMessages.length / slices);
      const conversionStep = Math.ceil(traffic.conversionMessages.length / slices);
      let kills = 0;
      for (let i = 0; i < slices; i++) {
        await producer.send(TOPICS.clicks, traffic.clickMessages.slice(i * clickStep, (i + 1) * clickStep));
        const conversions = traffic.conversionMessages.slice(i * conversionStep, (i + 1) * conversionStep);
        if (conversions.length > 0) await producer.send(TOPICS.conversions, conversions);
        if (i > 0 && i % 8 === 0) {
          const before = await stored();
          await waitFor(stored, (n) => n > before, { timeoutMs: 40000, what: 'the projector storing new clicks before the kill' });
          await kill();
          kills++;
          start();
        }
        await sleep(100);
      }
      expect(kills).toBe(3);
    } finally {
      await producer.disconnect();
    }

    await waitFor(stored, (n) => n >= traffic.clicks.length, { timeoutMs: 60000, what: 'every click stored' });
    await waitFor(
      async () => {
        const [row] = await clickhouse.query<{ n: string }>(sql`SELECT count() AS n FROM ${identifier(CH_TABLES.conversions)} WHERE handle = ${traffic.handle}`);
        return toNumber(row.n);
      },
      (n) => n >= traffic.conversions.length,
      { timeoutMs: 30000, what: 'every conversion stored' },
    );
    // 18.16 makes a raw part visible before the parts its views write for the same insert.
    await waitFor(
      async () => {
        const [row] = await clickhouse.query<{ n: string }>(
          sql`SELECT countMerge(clicks) AS n FROM ${identifier(CH_TABLES.campaignClicksHourly)} WHERE handle = ${traffic.handle}`,
        );
        return toNumber(row.n);
      },
      (n) => n >= traffic.clicks.length,
      { timeoutMs: 30000, what: 'every click rolled up' },
    );
    // Give a late duplicate insert, if any, the time to show up before counting.
    await sleep(1500);
    expect(exits.filter((e) => e === 'SIGKILL')).toHaveLength(3);

    for (const table of [CH_TABLES.clicks, CH_TABLES.conversions]) {
      const [row] = await clickhouse.query<{ n: string; ids: string }>(
        sql`SELECT count() AS n, uniqExact(event_id) AS ids FROM ${identifier(table)} WHERE handle = ${traffic.handle}`,
      );
      const expected = table === CH_TABLES.clicks ? traffic.clicks.length : traffic.conversions.length;
      expect({ table, rows: toNumber(row.n), ids: toNumber(row.ids) }).toEqual({ table, rows: expected, ids: expected });
    }

    const getFunnel = new GetFunnel(new FunnelRepository(clickhouse));
    expect(await getFunnel.execute({ handle: traffic.handle })).toEqual(expectedAggregate(traffic));
    for (const campaignId of traffic.campaigns) {
      expect(await getFunnel.execute({ handle: traffic.handle, campaignId })).toEqual(expectedFunnel(traffic, campaignId));
    }
    const analytics = new AnalyticsRepository(clickhouse);
    expect(await new GetSegments(analytics).execute(traffic.handle, 'alpha-launch')).toEqual(expectedSegments(traffic, 'alpha-launch'));
    const series = { granularity: 'day' as const, timeZone: 'UTC', from: new Date(Date.UTC(2026, 1, 1)), to: new Date(Date.UTC(2026, 1, 21)) };
    expect(await new GetSeries(analytics).execute({ handle: traffic.handle, ...series })).toEqual(expectedSeries(traffic, series));
  }, 180000);
});
