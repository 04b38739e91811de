import { ClientKafka } from '@nestjs/microservices';
import { Kafka } from 'kafkajs';
import { getInfra, uniqueId, waitFor } from '@funnel/testing';
import { createKafka, ensureTopics, rpcClientTransport } from './index';

/** What running several instances relies on at the broker: partition counts and reply groups. */
describe('scale-out settings against a real broker', () => {
  let kafka: Kafka;
  let brokers: string;

  beforeAll(async () => {
    brokers = (await getInfra()).kafkaBrokers;
    kafka = createKafka({ KAFKA_BROKERS: brokers }, 'kafka-scale-it');
  });

  async function partitions(topic: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0].partitions.length;
    } finally {
      await admin.disconnect();
    }
  }

  it('ensureTopics grows a topic created with fewer partitions, never shrinks one, and leaves compacted topics alone', async () => {
    const id = uniqueId('grow');
    const [plain, big, compacted] = [`funnel.it.${id}.plain`, `funnel.it.${id}.big`, `funnel.it.${id}.compacted`];
    const compact = [{ name: 'cleanup.policy', value: 'compact' }];
    await ensureTopics(kafka, [
      { topic: plain, numPartitions: 1 },
      { topic: big, numPartitions: 3 },
      { topic: compacted, numPartitions: 1, configEntries: compact },
    ]);
    const changed = await ensureTopics(kafka, [
      { topic: plain, numPartitions: 4 },
      { topic: big, numPartitions: 2 },
      { topic: compacted, numPartitions: 4, configEntries: compact },
    ]);
    expect(changed).toEqual([plain]);
    expect(await partitions(plain)).toBe(4);
    expect(await partitions(big)).toBe(3);
    expect(await partitions(compacted)).toBe(1);
    // Run again (a second instance booting): nothing left to do.
    expect(await ensureTopics(kafka, [{ topic: plain, numPartitions: 4 }])).toEqual([]);
  });

  it('two gateway instances each own the whole reply topic (a consumer group per instance)', async () => {
    const id = uniqueId('reply');
    const pattern = `funnel.it.${id}.rpc`;
    await ensureTopics(kafka, [
      { topic: pattern, numPartitions: 4 },
      { topic: `${pattern}.reply`, numPartitions: 1 },
    ]);
    const clients = [0, 1].map(() => new ClientKafka(rpcClientTransport({ KAFKA_BROKERS: brokers }, `it-${id}`, `it-${id}`).options ?? {}));
    try {
      for (const client of clients) {
        client.subscribeToResponseOf(pattern);
        await client.connect();
      }
      const assigned = await waitFor(
        async () => clients.map((c) => c.getConsumerAssignments()[`${pattern}.reply`]),
        (a) => a.every((p) => p === 0),
        { timeoutMs: 30000, what: 'both reply consumers to own partition 0' },
      );
      expect(assigned).toEqual([0, 0]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
