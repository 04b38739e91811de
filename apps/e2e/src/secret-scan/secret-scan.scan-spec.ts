import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { ClickHouse, createClickHouse, identifier, sql } from '@funnel/clickhouse';
import { createKafka } from '@funnel/kafka';
import { getInfra, issuedSecretsFile, uniqueId, waitFor } from '@funnel/testing';
import { parseIssuedSecrets, SecretHit, SecretMatcher } from './secret-matcher';

/**
 * The secret scan (`npm test`, after the integration and end-to-end tiers): no PAT, webhook signing
 * secret or JWT issued during the run may be found on any Kafka topic, in a service log, or in a
 * table of the PostgreSQL databases and of ClickHouse. Tests list what they were issued with
 * `recordIssuedSecret` (@funnel/testing). A canary, a fake PAT planted in a temporary topic, log
 * file and tables, proves the scan would see a leak.
 */
const STATE_DIR = resolve(process.env.FUNNEL_STATE_DIR ?? join(process.cwd(), '.state'));
const LOG_DIR = join(STATE_DIR, 'logs');
const CANARY = `fnl_pat_${randomBytes(32).toString('base64url')}`;
const RUN_ID = uniqueId('scan').replace(/[^A-Za-z0-9_]/g, '_');
const CANARY_TOPIC = `funnel-test.secret-scan-canary.${RUN_ID}`;
const CANARY_LOG = join(LOG_DIR, `secret-scan-canary-${RUN_ID}.log`);
const CANARY_TABLE = `secret_scan_canary_${RUN_ID}`.toLowerCase();

type Source = 'kafka' | 'logs' | 'postgres' | 'clickhouse';

let kafka: Kafka;
let clickhouse: ClickHouse;
let databases: Array<{ name: string; client: Client }> = [];
let issuedCount = 0;
const hits: Record<Source, SecretHit[]> = { kafka: [], logs: [], postgres: [], clickhouse: [] };
const scanned: Record<Source, number> = { kafka: 0, logs: 0, postgres: 0, clickhouse: 0 };

async function plantCanary(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: CANARY_TOPIC, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: CANARY_TOPIC, messages: [{ value: JSON.stringify({ body: { token: CANARY } }) }] });
  await producer.disconnect();
  mkdirSync(LOG_DIR, { recursive: true });
  writeFileSync(CANARY_LOG, `{"level":"log","msg":"authorization: Bearer ${CANARY}"}\n`);
  const conversion = databases.find((d) => d.name === 'funnel_conversion')!.client;
  await conversion.query(`CREATE TABLE ${CANARY_TABLE} (note text)`);
  await conversion.query(`INSERT INTO ${CANARY_TABLE} VALUES ($1)`, [`token=${CANARY}`]);
  await clickhouse.command(sql`CREATE TABLE ${identifier(CANARY_TABLE)} (note String) ENGINE = Memory`);
  await clickhouse.command(sql`INSERT INTO ${identifier(CANARY_TABLE)} VALUES (${`token=${CANARY}`})`);
}

async function removeCanary(): Promise<void> {
  rmSync(CANARY_LOG, { force: true });
  const conversion = databases.find((d) => d.name === 'funnel_conversion')?.client;
  await conversion?.query(`DROP TABLE IF EXISTS ${CANARY_TABLE}`).catch(() => undefined);
  await clickhouse?.command(sql`DROP TABLE IF EXISTS ${identifier(CANARY_TABLE)}`).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [CANARY_TOPIC] }).catch(() => undefined);
  await admin.disconnect();
}

/** Every topic from its first offset up to its end as it was when the scan started, with a consumer group of its own. */
async function scanKafka(matcher: SecretMatcher): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `secret-scan-${RUN_ID}`;
  const targets = new Map<string, number>(); // "topic/partition" -> high watermark at start
  try {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    for (let i = 0; i < topics.length; i += 25) {
      await Promise.all(
        topics.slice(i, i + 25).map(async (topic) => {
          for (const o of await admin.fetchTopicOffsets(topic).catch(() => [])) {
            if (Number(o.high) > Number(o.low)) targets.set(`${topic}/${o.partition}`, Number(o.high));
          }
        }),
      );
    }
  } finally {
    await admin.disconnect();
  }
  const pending = new Set(targets.keys());
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 4 * 1024 * 1024, maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set([...targets.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))))], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const key = `${batch.topic}/${batch.partition}`;
        const target = targets.get(key);
        for (const message of batch.messages) {
          if (target === undefined || Number(message.offset) >= target) break;
          const headers = Object.entries(message.headers ?? {}).map(([k, v]) => `${k}=${String(v ?? '')}`).join(' ');
          matcher.scan(`kafka ${key}@${message.offset}`, `${message.key?.toString() ?? ''} ${message.value?.toString() ?? ''} ${headers}`);
          scanned.kafka += 1;
          resolveOffset(message.offset);
          if (Number(message.offset) + 1 >= target) pending.delete(key);
        }
        await heartbeat();
      },
    });
    let seenAtLastPoll = -1;
    await waitFor(
      async () => {
        // When reading stalls, a partition may have nothing left to read: its start moved past the
        // target (retention), or its topic was deleted meanwhile.
        if (pending.size > 0 && scanned.kafka === seenAtLastPoll) {
          const check = kafka.admin();
          await check.connect();
          try {
            for (const topic of new Set([...pending].map((k) => k.slice(0, k.lastIndexOf('/'))))) {
              const offsets = await check.fetchTopicOffsets(topic).catch(() => null);
              for (const key of [...pending].filter((k) => k.startsWith(`${topic}/`))) {
                const low = offsets?.find((o) => `${topic}/${o.partition}` === key)?.low;
                if (low === undefined || Number(low) >= targets.get(key)!) pending.delete(key);
              }
            }
          } finally {
            await check.disconnect();
          }
        }
        seenAtLastPoll = scanned.kafka;
        return pending.size;
      },
      (n) => n === 0,
      { what: 'every topic read to its end', timeoutMs: 600000, intervalMs: 2000 },
    );
  } finally {
    await consumer.disconnect();
    const admin2 = kafka.admin();
    await admin2.connect();
    await admin2.deleteGroups([groupId]).catch(() => undefined);
    await admin2.disconnect();
  }
}

function scanLogs(matcher: SecretMatcher): void {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  for (const file of walk(LOG_DIR)) {
    matcher.scan(`log ${file.slice(STATE_DIR.length + 1)}`, readFileSync(file, 'utf8'));
    scanned.logs += 1;
  }
}

async function scanPostgres(matcher: SecretMatcher): Promise<void> {
  for (const { name, client } of databases) {
    const { rows: tables } = await client.query<{ schema: string; table: string }>(
      `SELECT table_schema AS schema, table_name AS table FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    for (const { schema, table } of tables) {
      const quoted = `"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`;
      const { rows } = await client.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM ${quoted} t`);
      for (const { r } of rows) matcher.scan(`postgres ${name}.${schema}.${table}`, r);
      scanned.postgres += 1;
    }
  }
}

async function scanClickHouse(matcher: SecretMatcher, database: string): Promise<void> {
  const tables = await clickhouse.query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = ${database} AND engine NOT LIKE '%View'`);
  for (const { name } of tables) {
    const rows = await clickhouse.query<Record<string, unknown>>(sql`SELECT * FROM ${identifier(name)}`);
    for (const row of rows) matcher.scan(`clickhouse ${database}.${name}`, JSON.stringify(row));
    scanned.clickhouse += 1;
  }
}

function split(matcher: SecretMatcher): void {
  for (const hit of matcher.hits) hits[hit.where.split(' ')[0] === 'log' ? 'logs' : (hit.where.split(' ')[0] as Source)].push(hit);
}

const leaks = (source: Source) => hits[source].filter((h) => h.kind !== 'canary');
const canaryFound = (source: Source) => hits[source].some((h) => h.kind === 'canary');

beforeAll(async () => {
  const infra = await getInfra();
  kafka = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, 'secret-scan');
  kafka.logger().setLogLevel(logLevel.ERROR);
  clickhouse = createClickHouse({ url: infra.clickhouseUrl, database: infra.clickhouseDatabase, username: process.env.CLICKHOUSE_USER, password: process.env.CLICKHOUSE_PASSWORD });
  databases = [
    { name: 'funnel_campaign', client: new Client({ connectionString: infra.campaignDatabaseUrl }) },
    { name: 'funnel_conversion', client: new Client({ connectionString: infra.conversionDatabaseUrl }) },
  ];
  await Promise.all(databases.map((d) => d.client.connect()));

  const file = issuedSecretsFile();
  const issued = existsSync(file) ? parseIssuedSecrets(readFileSync(file, 'utf8')) : [];
  issuedCount = issued.length;
  const matcher = new SecretMatcher([...issued, { kind: 'canary', value: CANARY }]);
  await plantCanary();
  try {
    await scanKafka(matcher);
    scanLogs(matcher);
    await scanPostgres(matcher);
    await scanClickHouse(matcher, infra.clickhouseDatabase);
  } finally {
    await removeCanary();
  }
  split(matcher);
  console.log(`secret scan: ${issuedCount} issued secrets; ${scanned.kafka} Kafka messages, ${scanned.logs} log files, ${scanned.postgres} PostgreSQL and ${scanned.clickhouse} ClickHouse tables`);
}, 900000);

afterAll(async () => {
  await Promise.all(databases.map((d) => d.client.end().catch(() => undefined)));
  await clickhouse?.close();
});

describe('secret scan', () => {
  it('has secrets to look for: the tests of this run listed what they were issued', () => {
    expect(issuedCount).toBeGreaterThan(0);
  });

  it.each(['kafka', 'logs', 'postgres', 'clickhouse'] as const)('finds the planted canary in %s (the scan can fail)', (source) => {
    expect(canaryFound(source)).toBe(true);
  });

  it.each(['kafka', 'logs', 'postgres', 'clickhouse'] as const)('finds no issued secret in %s', (source) => {
    expect(leaks(source)).toEqual([]);
  });
});
