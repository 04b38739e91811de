import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getInfra, uniqueId } from '@funnel/testing';
import { ClickHouse, createClickHouse, toNumber } from './client';
import { identifier, sql } from './escape';
import { defaultMigrationsDir, MigrationError, readMigrations, runClickHouseMigrations } from './migrate';
import { CH_TABLES } from './tables';

describe('runClickHouseMigrations (ClickHouse 18.16)', () => {
  let server: ClickHouse;
  const databases: string[] = [];

  const freshDatabase = () => {
    const name = uniqueId('chtest_migrate_');
    databases.push(name);
    return name;
  };

  beforeAll(async () => {
    const infra = await getInfra();
    server = createClickHouse({ url: infra.clickhouseUrl, database: 'default' });
  });

  afterAll(async () => {
    for (const db of databases) await server.command(sql`DROP DATABASE IF EXISTS ${identifier(db)}`);
    await server?.close();
  });

  it('creates the database and every table, and a second run is a no-op', async () => {
    const database = freshDatabase();
    const lines: string[] = [];
    const first = await runClickHouseMigrations(server, { database, dir: defaultMigrationsDir(), log: (l) => lines.push(l) });
    const files = readMigrations(defaultMigrationsDir()).map((f) => f.file);
    expect(first).toEqual(files);
    expect(lines).toHaveLength(files.length);

    const db = server.withDatabase(database);
    try {
      const tables = (await db.query<{ name: string; engine: string }>(
        sql`SELECT name, engine FROM system.tables WHERE database = ${database} ORDER BY name`,
      )).map((t) => `${t.name}:${t.engine}`);
      expect(tables).toEqual(
        expect.arrayContaining([
          'clicks:MergeTree',
          'conversions:MergeTree',
          'campaign_clicks_hourly:AggregatingMergeTree',
          'campaign_clicks_hourly_mv:MaterializedView',
          'campaign_breakdown_daily:SummingMergeTree',
          'campaign_breakdown_daily_mv:MaterializedView',
          'campaign_conversions_hourly:SummingMergeTree',
          'campaign_conversions_hourly_mv:MaterializedView',
          'campaign_segment_conversions_daily:SummingMergeTree',
          'campaign_segment_conversions_daily_mv:MaterializedView',
          'schema_migrations:MergeTree',
        ]),
      );
      for (const table of Object.values(CH_TABLES)) expect(tables.some((t) => t.startsWith(`${table}:`))).toBe(true);
      // 0006 replaced the hourly breakdown by the daily one.
      expect(tables.filter((t) => t.startsWith('campaign_breakdown_hourly'))).toEqual([]);

      const before = await db.query<{ version: number }>(sql`SELECT version FROM schema_migrations ORDER BY version`);
      const second = await runClickHouseMigrations(server, { database, dir: defaultMigrationsDir() });
      expect(second).toEqual([]);
      const after = await db.query<{ version: number }>(sql`SELECT version FROM schema_migrations ORDER BY version`);
      expect(after).toEqual(before);
      expect(after).toHaveLength(files.length);
    } finally {
      await db.close();
    }
  });

  it('refuses to run when an applied file changed, and applies nothing then', async () => {
    const database = freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'ch-migrations-'));
    try {
      cpSync(defaultMigrationsDir(), dir, { recursive: true });
      await runClickHouseMigrations(server, { database, dir });
      appendFileSync(join(dir, '0001_raw_clicks.sql'), '\n-- an edit after the fact\n');
      writeFileSync(join(dir, '0099_would_be_next.sql'), 'CREATE TABLE IF NOT EXISTS must_not_exist (x UInt8) ENGINE = MergeTree() ORDER BY x;\n');
      const failure = runClickHouseMigrations(server, { database, dir });
      await expect(failure).rejects.toBeInstanceOf(MigrationError);
      await expect(failure).rejects.toThrow(/0001_raw_clicks\.sql was changed after it was applied/);
      const [left] = await server.query<{ n: string }>(
        sql`SELECT count() AS n FROM system.tables WHERE database = ${database} AND name = ${'must_not_exist'}`,
      );
      expect(toNumber(left.n)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls raw rows up in the materialized views, leaving out test and unattributed conversions', async () => {
    const database = freshDatabase();
    await runClickHouseMigrations(server, { database, dir: defaultMigrationsDir() });
    const db = server.withDatabase(database);
    try {
      const t0 = Math.floor(Date.UTC(2026, 1, 25, 12, 10, 0) / 1000);
      const click = (i: number, campaign: string, source: string, country: string, device: string, bot: 0 | 1) => ({
        event_id: `e${i}`, click_id: `c${i}`, handle: 'h1', campaign_id: campaign, link_slug: 's', occurred_at: t0 + i * 60,
        visitor_id: `v${i}`, source, country, device, is_bot: bot, bot_reason: bot ? 'ua' : '', variant_id: '', user_agent: 'ua',
        referrer: '', kafka_topic: 'funnel.clicks', kafka_partition: 0, kafka_offset: i, inserted_at: t0,
      });
      await db.insert(CH_TABLES.clicks, [
        click(0, 'spring', 'email', 'US', 'mobile', 0),
        click(1, 'spring', 'email', '', 'desktop', 0),
        click(2, 'spring', 'social', 'US', 'bot', 1),
        click(3, 'autumn', 'direct', 'GB', 'mobile', 0),
      ]);
      // A second block in another hour: rows of one key live in several parts until merged.
      await db.insert(CH_TABLES.clicks, [{ ...click(4, 'spring', 'email', 'US', 'mobile', 0), occurred_at: t0 + 7200 }]);
      const conversion = (i: number, campaign: string, value: number, test: 0 | 1) => ({
        event_id: `x${i}`, conversion_id: `k${i}`, handle: 'h1', campaign_id: campaign, click_id: '', order_id: '', event_type: 'purchase',
        value, currency: 'USD', metadata: '{}', test, occurred_at: t0, kafka_topic: 'funnel.conversions', kafka_partition: 0,
        kafka_offset: i, inserted_at: t0,
      });
      await db.insert(CH_TABLES.conversions, [
        conversion(0, 'spring', 19.99, 0),
        conversion(1, 'spring', 0.01, 0),
        conversion(2, 'spring', 99.99, 1),
        conversion(3, '', 5, 0),
      ]);

      const totals = await db.query<{ campaign_id: string; clicks: string; bots: string; last_seen: number }>(sql`
        SELECT campaign_id, countMerge(clicks) AS clicks, sumMerge(bot_clicks) AS bots, toUnixTimestamp(maxMerge(last_seen)) AS last_seen
        FROM ${identifier(CH_TABLES.campaignClicksHourly)} WHERE handle = ${'h1'} GROUP BY campaign_id ORDER BY campaign_id`);
      expect(totals.map((r) => [r.campaign_id, toNumber(r.clicks), toNumber(r.bots), r.last_seen])).toEqual([
        ['autumn', 1, 0, t0 + 180],
        ['spring', 4, 1, t0 + 7200],
      ]);

      const breakdown = await db.query<{ dimension: string; value: string; clicks: string }>(sql`
        SELECT dimension, value, sum(clicks) AS clicks FROM ${identifier(CH_TABLES.campaignBreakdownDaily)}
        WHERE handle = ${'h1'} AND campaign_id = ${'spring'} GROUP BY dimension, value ORDER BY dimension, value`);
      expect(breakdown.map((r) => [r.dimension, r.value, toNumber(r.clicks)])).toEqual([
        ['bot_reason', 'ua', 1],
        ['country', '', 1],
        ['country', 'US', 3],
        ['device', 'bot', 1],
        ['device', 'desktop', 1],
        ['device', 'mobile', 2],
        ['segment', '', 4],
        ['source', 'email', 3],
        ['source', 'social', 1],
      ]);

      const conversions = await db.query<{ campaign_id: string; n: string; revenue: number }>(sql`
        SELECT campaign_id, sum(conversions) AS n, toFloat64(sum(revenue)) AS revenue FROM ${identifier(CH_TABLES.campaignConversionsHourly)}
        WHERE handle = ${'h1'} GROUP BY campaign_id`);
      expect(conversions.map((r) => [r.campaign_id, toNumber(r.n), r.revenue])).toEqual([['spring', 2, 20]]);
    } finally {
      await db.close();
    }
  });

  it('0006 carries the breakdowns of clicks stored before it over to the daily table, once', async () => {
    const database = freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'ch-upto-0005-'));
    try {
      for (const file of readMigrations(defaultMigrationsDir()).filter((f) => f.version <= 5)) cpSync(join(defaultMigrationsDir(), file.file), join(dir, file.file));
      await runClickHouseMigrations(server, { database, dir });
      const db = server.withDatabase(database);
      try {
        const t0 = Math.floor(Date.UTC(2026, 1, 25, 23, 30, 0) / 1000);
        const click = (i: number, bot: 0 | 1, variant: string, at: number) => ({
          event_id: `e${i}`, click_id: `c${i}`, handle: 'h1', campaign_id: 'spring', link_slug: 's', occurred_at: at, visitor_id: 'v',
          source: 'email', country: 'US', device: bot ? 'bot' : 'mobile', is_bot: bot, bot_reason: bot ? 'ua' : '', variant_id: variant,
          user_agent: 'ua', referrer: '', kafka_topic: 'funnel.clicks', kafka_partition: 0, kafka_offset: i, inserted_at: t0,
        });
        await db.insert(CH_TABLES.clicks, [click(0, 0, 'a', t0), click(1, 1, '', t0), click(2, 0, '', t0 + 3600)]);
        await runClickHouseMigrations(server, { database, dir: defaultMigrationsDir() });
        // One more click after the upgrade goes through the new view.
        await db.insert(CH_TABLES.clicks, [click(3, 0, 'a', t0 + 7200)]);
        const rows = await db.query<{ dimension: string; value: string; clicks: string; bots: string }>(sql`
          SELECT dimension, value, sum(clicks) AS clicks, sum(bot_clicks) AS bots FROM ${identifier(CH_TABLES.campaignBreakdownDaily)}
          WHERE handle = ${'h1'} GROUP BY dimension, value ORDER BY dimension, value`);
        expect(rows.map((r) => [r.dimension, r.value, toNumber(r.clicks), toNumber(r.bots)])).toEqual([
          ['bot_reason', 'ua', 1, 1],
          ['country', 'US', 4, 1],
          ['device', 'bot', 1, 1],
          ['device', 'mobile', 3, 0],
          ['segment', '', 2, 1],
          ['segment', 'a', 2, 0],
          ['source', 'email', 4, 1],
        ]);
        const days = await db.query<{ day: string }>(sql`SELECT DISTINCT toString(day) AS day FROM ${identifier(CH_TABLES.campaignBreakdownDaily)} ORDER BY day`);
        expect(days.map((d) => d.day)).toEqual(['2026-02-25', '2026-02-26']);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('0007 rolls counted conversions up per segment: the event\'s variant from now on, the click\'s for rows stored before', async () => {
    const database = freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'ch-upto-0006-'));
    try {
      for (const file of readMigrations(defaultMigrationsDir()).filter((f) => f.version <= 6)) cpSync(join(defaultMigrationsDir(), file.file), join(dir, file.file));
      await runClickHouseMigrations(server, { database, dir });
      const db = server.withDatabase(database);
      try {
        const t0 = Math.floor(Date.UTC(2026, 1, 25, 23, 30, 0) / 1000);
        const click = (i: number, campaign: string, variant: string) => ({
          event_id: `e${i}`, click_id: `c${i}`, handle: 'h1', campaign_id: campaign, link_slug: 's', occurred_at: t0, visitor_id: 'v',
          source: 'email', country: 'US', device: 'mobile', is_bot: 0, bot_reason: '', variant_id: variant, user_agent: 'ua', referrer: '',
          kafka_topic: 'funnel.clicks', kafka_partition: 0, kafka_offset: i, inserted_at: t0,
        });
        await db.insert(CH_TABLES.clicks, [click(0, 'spring', 'a'), click(1, 'spring', ''), click(2, 'autumn', 'b')]);
        const conversion = (i: number, campaign: string, clickId: string, value: number, extra: Record<string, unknown> = {}) => ({
          event_id: `x${i}`, conversion_id: `k${i}`, handle: 'h1', campaign_id: campaign, click_id: clickId, order_id: '', event_type: 'purchase',
          value, currency: 'USD', metadata: '{}', test: 0, occurred_at: t0, kafka_topic: 'funnel.conversions', kafka_partition: 0,
          kafka_offset: i, inserted_at: t0, ...extra,
        });
        // Stored before 0007: segments come from the join to clicks (same handle and campaign).
        await db.insert(CH_TABLES.conversions, [
          conversion(0, 'spring', 'c0', 1.5),
          conversion(1, 'spring', 'c0', 2.25, { occurred_at: t0 + 3600 }),
          conversion(2, 'spring', 'c1', 3),
          conversion(3, 'spring', 'never-recorded', 4),
          conversion(4, 'spring', '', 5),
          conversion(5, 'spring', 'c2', 6), // autumn's click: not this campaign's
          conversion(6, 'spring', 'c0', 100, { test: 1 }),
          conversion(7, '', 'c0', 100),
        ]);
        await runClickHouseMigrations(server, { database, dir: defaultMigrationsDir() });
        // After 0007 the view takes the variant the row carries, whatever the clicks say.
        await db.insert(CH_TABLES.conversions, [
          conversion(8, 'spring', 'c1', 10, { click_variant_id: 'a', click_variant_known: 1 }),
          conversion(9, 'spring', 'c0', 20, { click_variant_id: '', click_variant_known: 1 }),
          conversion(10, 'spring', 'c0', 40),
          conversion(11, 'spring', 'c0', 100, { click_variant_id: 'a', click_variant_known: 1, test: 1 }),
        ]);
        const rows = await db.query<{ day: string; known: number; variant: string; n: string; revenue: string }>(sql`
          SELECT toString(day) AS day, click_variant_known AS known, click_variant_id AS variant, sum(conversions) AS n, toString(sum(revenue)) AS revenue
          FROM ${identifier(CH_TABLES.campaignSegmentConversionsDaily)}
          WHERE handle = ${'h1'} AND campaign_id = ${'spring'} GROUP BY day, known, variant ORDER BY day, known, variant`);
        expect(rows.map((r) => [r.day, toNumber(r.known), r.variant, toNumber(r.n), r.revenue])).toEqual([
          ['2026-02-25', 0, '', 4, '55.0000'],
          ['2026-02-25', 1, '', 2, '23.0000'],
          ['2026-02-25', 1, 'a', 2, '11.5000'],
          ['2026-02-26', 1, 'a', 1, '2.2500'],
        ]);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
