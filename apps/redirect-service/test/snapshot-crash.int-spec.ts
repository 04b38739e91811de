import 'reflect-metadata';
import type { Kafka } from 'kafkajs';
import { snapshotKey, TOPICS } from '@funnel/contracts';
import { createKafka, ensureTopics, EventProducer } from '@funnel/kafka';
import { getInfra, uniqueId, waitFor } from '@funnel/testing';
import { LinkTable } from '../src/link-table/link-table';
import { linkTableHealth, SnapshotConsumer } from '../src/link-table/snapshot.consumer';
import { linkSnapshot } from './fixtures';

/**
 * Fault test of the edge's link table feed against the real broker: the snapshot consumer is
 * made to crash with a non-retriable error (its batch handler throws a TypeError, as a bug would;
 * kafkajs does not retry those and leaves the consumer down). /health's linkTable check must go red at
 * once, the consumer must come back on its own, catch up with what was published meanwhile, and
 * the check go green again.
 */
describe('snapshot consumer crash (real Kafka)', () => {
  const handle = uniqueId('crash');
  let kafka: Kafka;
  let producer: EventProducer;
  let consumer: SnapshotConsumer | undefined;

  beforeAll(async () => {
    const infra = await getInfra();
    kafka = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, 'snapshot-crash-test');
    await ensureTopics(kafka);
    producer = new EventProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.onApplicationShutdown();
    await producer?.disconnect();
  });

  const publish = (slug: string, destinationUrl: string) =>
    producer.send(TOPICS.linkSnapshots, [{ key: snapshotKey(handle, slug), value: JSON.stringify(linkSnapshot({ handle, slug, destinationUrl })) }]);

  it('reports the link table down while the consumer is crashed, then recovers by itself', async () => {
    const table = new LinkTable();
    consumer = new SnapshotConsumer(kafka, table);
    const health = linkTableHealth(table, consumer);
    await publish('before', 'https://shop.example.com/before');
    await consumer.onModuleInit();
    await waitFor(async () => table.ready && table.resolve(handle, 'before') !== undefined, Boolean, { what: 'link table ready with the first link' });
    await expect(health.check()).resolves.toBeUndefined();

    // The next snapshot makes the batch handler throw until the consumer has crashed; a TypeError
    // is not retried by kafkajs, which leaves the consumer down.
    const putLink = table.putLink.bind(table);
    let crashSeen = false;
    let failures = 0;
    table.putLink = (snapshot) => {
      if (snapshot.handle === handle && snapshot.slug === 'poison-once' && !crashSeen) {
        failures++;
        throw new TypeError('crash on purpose');
      }
      return putLink(snapshot);
    };
    await publish('poison-once', 'https://shop.example.com/poison');

    const red = await waitFor(() => health.check().then(() => null, (e: Error) => e.message), (m) => m !== null, { what: 'health red', intervalMs: 20 });
    expect(red).toMatch(/not following the snapshot topics: snapshot consumer crashed: .*crash on purpose/);
    crashSeen = true; // the restarted consumer may now apply it

    // Published while it is down: must be applied after the restart, as must the snapshot it crashed on.
    await publish('during', 'https://shop.example.com/during');
    await waitFor(() => health.check().then(() => true, () => false), Boolean, { what: 'health green again', timeoutMs: 60000 });
    expect(failures).toBeGreaterThan(0);
    for (const slug of ['poison-once', 'during']) {
      await waitFor(async () => table.resolve(handle, slug) !== undefined, Boolean, { what: `link ${slug} in the table`, timeoutMs: 30000 });
    }
  }, 120000);
});
