import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import { ClickRecordedV1, CONTEXT_PARAM, parseEnvelopes, snapshotKey, TOPICS } from '@funnel/contracts';
import { createKafka, ensureTopics, EventProducer } from '@funnel/kafka';
import { bootstrapService } from '@funnel/observability';
import { PrivateKafka, uniqueId, waitFor } from '@funnel/testing';
import { AppModule } from '../src/app.module';
import { ClickPipeline } from '../src/clicks/clicks.module';
import { campaignSnapshot, linkSnapshot } from './fixtures';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const K = 40;

/**
 * The fault test runs against a broker of its own (the shared one must never be stopped): stop
 * it, click K times (every click answered 302), start it again, and find exactly K distinct
 * clicks on its clicks topic. Rows in ClickHouse need the analytics projector, which dedupes by
 * event id; counting distinct click ids on the topic checks the same thing at the edge.
 */
describe('redirect-service click durability while Kafka is down', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redirect-durability-'));
  const handle = uniqueId('dur');
  let broker: PrivateKafka;
  let kafka: Kafka;
  let app: INestApplication | undefined;
  let base: string;
  let consumer: Consumer | undefined;
  const env = { ...process.env };

  beforeAll(async () => {
    broker = await PrivateKafka.create(join(dir, 'kafka'));
    await broker.start();
    kafka = createKafka({ KAFKA_BROKERS: broker.brokers }, 'redirect-durability-spec');
    await ensureTopics(kafka);
    const producer = new EventProducer(kafka);
    await producer.connect();
    await producer.send(TOPICS.campaignSnapshots, [{ key: snapshotKey(handle, 'dur-campaign'), value: JSON.stringify(campaignSnapshot({ handle, campaignId: 'dur-campaign' })) }]);
    await producer.send(TOPICS.linkSnapshots, [{ key: snapshotKey(handle, 'go'), value: JSON.stringify(linkSnapshot({ handle, slug: 'go', campaignId: 'dur-campaign' })) }]);
    await producer.disconnect();

    Object.assign(process.env, {
      KAFKA_BROKERS: broker.brokers,
      REDIRECT_SPOOL_DIR: join(dir, 'spool'),
      CLICK_PRODUCE_TIMEOUT_MS: '1000',
      CLICK_RETRY_MAX_MS: '1000',
      CLICK_FLUSH_INTERVAL_MS: '20',
    });
    app = await bootstrapService({ service: 'redirect-service', module: AppModule, port: 0, host: '127.0.0.1' });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await waitFor(async () => (await fetch(`${base}/health`)).status, (s) => s === 200, { what: 'redirect-service ready', timeoutMs: 60000 });
  }, 120000);

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await app?.close();
    await broker?.stop(true);
    process.env = env;
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers ${K} clicks with 302 while the broker is down and delivers exactly those ${K} once it is back`, async () => {
    const pipeline = (app as INestApplication).get(ClickPipeline);
    await broker.stop();

    const clickIds: string[] = [];
    for (let i = 0; i < K; i++) {
      const started = Date.now();
      const res = await fetch(`${base}/${handle}/go`, { redirect: 'manual', headers: { 'user-agent': IPHONE } });
      expect(res.status).toBe(302);
      expect(Date.now() - started).toBeLessThan(500); // the redirect never waits on Kafka
      clickIds.push(new URL(res.headers.get('location') as string).searchParams.get(CONTEXT_PARAM) as string);
    }
    // With the broker away, every click ends up durably in the spool.
    // (The status comes from the click worker, which produces and spools off the request thread.)
    await waitFor(async () => (await pipeline.refreshStatus()).spooled, (n) => n >= K, { what: `${K} clicks spooled`, timeoutMs: 20000 });
    expect((await pipeline.refreshStatus()).backlogBytes).toBeGreaterThan(0);

    await broker.start();
    await waitFor(async () => (await pipeline.refreshStatus()).spoolEmpty, Boolean, { what: 'spool replayed', timeoutMs: 60000 });

    const seen = new Map<string, number>();
    consumer = kafka.consumer({ groupId: uniqueId('durability-count-') });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.clicks], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        // A record is an event batch of one campaign's clicks (or, from older producers, one click).
        const parsed = parseEnvelopes(message.value, { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 });
        if (!parsed.ok) return;
        for (const envelope of parsed.envelopes) {
          if (envelope.handle !== handle) continue;
          seen.set(envelope.payload.clickId, (seen.get(envelope.payload.clickId) ?? 0) + 1);
        }
      },
    });
    await waitFor(async () => clickIds.filter((id) => seen.has(id)).length, (n) => n === K, { what: `all ${K} clicks on the topic`, timeoutMs: 30000 });
    await new Promise((r) => setTimeout(r, 1000)); // anything extra would show up by now
    expect(seen.size).toBe(K);
    expect([...seen.keys()].sort()).toEqual([...clickIds].sort());
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    // Duplicates are allowed only as redelivery of the same event id (a produce that timed out yet landed).
    expect(duplicates).toBeLessThanOrEqual(K);
  }, 180000);
});
