import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { ClickRecordedV1, createEnvelope, dlqTopic, parseEnvelope } from '@funnel/contracts';
import { ClickHouse, createClickHouse, identifier, sql } from '@funnel/clickhouse';
import { getInfra, uniqueId, waitFor } from '@funnel/testing';
import { createKafka, dlq, ensureTopics, EventConsumer, EventProducer, ok, Outcome } from './index';

const ROOT = join(__dirname, '..', '..', '..');
const quietLogger = { log: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

function clickPayload(i: number): ClickRecordedV1 {
  return Object.assign(new ClickRecordedV1(), {
    clickId: createEnvelope({ type: 'x', version: 1, handle: 'h', aggregateId: 'a', payload: {} }).eventId,
    campaignId: 'kafka-it',
    linkSlug: `slug-${i}`,
    visitorId: `v${i}`,
    userAgent: 'test',
    referrer: '',
    source: 'direct',
    country: '',
    device: 'desktop',
    isBot: false,
    botReason: null,
    variantId: null,
  });
}

describe('kafka lib against a real broker', () => {
  let kafka: Kafka;
  let clickhouse: ClickHouse;
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    const infra = await getInfra();
    kafka = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, 'kafka-lib-it');
    clickhouse = createClickHouse({ url: infra.clickhouseUrl, database: infra.clickhouseDatabase });
    await clickhouse.ensureDatabase();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await clickhouse?.close();
  });

  it('an event produced by one process is consumed by another and lands as a ClickHouse row', async () => {
    const id = uniqueId('k');
    const topic = `funnel.it.${id}`;
    const table = `kafka_lib_it_${id}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }, { topic: dlqTopic(topic), numPartitions: 1 }]);
    await clickhouse.command(
      sql`CREATE TABLE ${identifier(table)} (event_id String, handle String, link_slug String, kafka_partition UInt32, kafka_offset UInt64) ENGINE = MergeTree() ORDER BY event_id`,
    );

    const consumer = new EventConsumer({
      kafka,
      groupId: `it-${id}`,
      topics: [topic],
      logger: quietLogger,
      handler: async (message): Promise<Outcome> => {
        const parsed = parseEnvelope(message.value, { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 });
        if (!parsed.ok) return dlq(parsed.error);
        await clickhouse.insert(table, [{
          event_id: parsed.envelope.eventId,
          handle: parsed.envelope.handle,
          link_slug: parsed.envelope.payload.linkSlug,
          kafka_partition: message.partition,
          kafka_offset: Number(message.offset),
        }]);
        return ok;
      },
    });
    consumers.push(consumer);
    await consumer.start();

    // The producer is a separate Node process using the built kafka lib (npm test builds first).
    const built = join(ROOT, 'dist', 'libs');
    expect(existsSync(join(built, 'kafka', 'src', 'index.js'))).toBe(true);
    const envelopes = [0, 1, 2].map((i) =>
      createEnvelope({ type: ClickRecordedV1.type, version: ClickRecordedV1.version, handle: id, aggregateId: `a${i}`, payload: clickPayload(i) }),
    );
    const script = `
      const { createKafka, EventProducer } = require(${JSON.stringify(join(built, 'kafka', 'src', 'index.js'))});
      (async () => {
        const producer = new EventProducer(createKafka({ KAFKA_BROKERS: process.env.BROKERS }, 'kafka-lib-it-producer'));
        await producer.connect();
        for (const e of JSON.parse(process.env.ENVELOPES)) await producer.publish(process.env.TOPIC, e.aggregateId, e);
        await producer.disconnect();
        console.log('produced ' + JSON.parse(process.env.ENVELOPES).length);
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, BROKERS: (await getInfra()).kafkaBrokers, TOPIC: topic, ENVELOPES: JSON.stringify(envelopes), KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      encoding: 'utf8',
    });
    expect(out).toContain('produced 3');

    const rows = await waitFor(
      () => clickhouse.query<{ event_id: string; link_slug: string }>(sql`SELECT event_id, link_slug FROM ${identifier(table)} ORDER BY link_slug`),
      (r) => r.length >= 3,
      { what: 'three rows in ClickHouse' },
    );
    expect(rows.map((r) => r.event_id).sort()).toEqual(envelopes.map((e) => e.eventId).sort());
    expect(rows.map((r) => r.link_slug)).toEqual(['slug-0', 'slug-1', 'slug-2']);
    await clickhouse.command(sql`DROP TABLE IF EXISTS ${identifier(table)}`);
  });

  it('sends a malformed message to the DLQ with its error and goes on with the next one', async () => {
    const id = uniqueId('d');
    const topic = `funnel.it.${id}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }, { topic: dlqTopic(topic), numPartitions: 1 }]);
    const handled: string[] = [];
    const consumer = new EventConsumer({
      kafka,
      groupId: `it-${id}`,
      topics: [topic],
      logger: quietLogger,
      handler: async (message) => {
        const parsed = parseEnvelope(message.value, { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 });
        if (!parsed.ok) return dlq(parsed.error);
        handled.push(parsed.envelope.eventId);
        return ok;
      },
    });
    consumers.push(consumer);
    await consumer.start();

    const producer = new EventProducer(kafka);
    await producer.connect();
    const good = createEnvelope({ type: ClickRecordedV1.type, version: 1, handle: id, aggregateId: 'a', payload: clickPayload(9) });
    const badPayload = { ...good, eventId: createEnvelope({ type: 'x', version: 1, handle: 'h', aggregateId: 'a', payload: {} }).eventId, payload: { ...good.payload, country: 'USA' } };
    await producer.send(topic, [
      { key: 'k', value: '{not json' },
      { key: 'k', value: JSON.stringify(badPayload) },
      { key: 'k', value: JSON.stringify(good) },
    ]);
    await producer.disconnect();

    await waitFor(async () => handled, (h) => h.includes(good.eventId), { what: 'the valid message after the poison ones' });
    expect(handled).toEqual([good.eventId]);

    const parked: Array<{ value: string | null; error: string; offset: string }> = [];
    const reader = kafka.consumer({ groupId: `it-${id}-dlq-reader` });
    await reader.connect();
    await reader.subscribe({ topic: dlqTopic(topic), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        parked.push({
          value: message.value?.toString() ?? null,
          error: message.headers?.['x-error']?.toString() ?? '',
          offset: message.headers?.['x-original-offset']?.toString() ?? '',
        });
      },
    });
    await waitFor(async () => parked.length, (n) => n >= 2, { what: 'two messages on the DLQ' });
    await reader.disconnect();
    expect(parked).toHaveLength(2);
    expect(parked[0]).toMatchObject({ value: '{not json', offset: '0' });
    expect(parked[0].error).toMatch(/invalid JSON/);
    expect(parked[1].offset).toBe('1');
    expect(parked[1].error).toMatch(/payload\.country/);
  });
});
