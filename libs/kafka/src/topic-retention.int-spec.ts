import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { RPC_TOPICS } from '@funnel/contracts';
import { getInfra, uniqueId } from '@funnel/testing';
import { ALL_TOPIC_SPECS, createKafka, ensureTopics, RPC_TOPIC_CONFIG } from './kafka';

async function topicConfig(kafka: Kafka, topic: string): Promise<Map<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'segment.ms'] }] });
    return new Map(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  } finally {
    await admin.disconnect();
  }
}

describe('RPC topic retention', () => {
  let kafka: Kafka;

  beforeAll(async () => {
    kafka = createKafka({ KAFKA_BROKERS: (await getInfra()).kafkaBrokers }, 'topic-retention-it');
  });

  it('every RPC request and reply topic is specified with a retention of minutes', () => {
    for (const topic of RPC_TOPICS) {
      expect(ALL_TOPIC_SPECS.find((s) => s.topic === topic)?.configEntries).toEqual(RPC_TOPIC_CONFIG);
    }
    expect(Number(RPC_TOPIC_CONFIG.find((e) => e.name === 'retention.ms')?.value)).toBeLessThanOrEqual(10 * 60_000);
  });

  it('creates new topics with it and sets it on a topic created before (the broker default of 7 days)', async () => {
    const created = `funnel.it.retention-new.${uniqueId('r')}`;
    const existing = `funnel.it.retention-old.${uniqueId('r')}`;
    await ensureTopics(kafka, [{ topic: existing, numPartitions: 1 }]);
    expect((await topicConfig(kafka, existing)).get('retention.ms')).not.toBe('300000'); // the broker's default

    await ensureTopics(kafka, [
      { topic: created, numPartitions: 1, configEntries: [...RPC_TOPIC_CONFIG] },
      { topic: existing, numPartitions: 1, configEntries: [...RPC_TOPIC_CONFIG] },
    ]);
    for (const topic of [created, existing]) {
      const config = await topicConfig(kafka, topic);
      expect(config.get('retention.ms')).toBe('300000');
      expect(config.get('segment.ms')).toBe('60000');
    }
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [created, existing] }).finally(() => admin.disconnect());
  });

  it('the platform topics have it once ensureTopics ran (what boot and npm run migrate do)', async () => {
    await ensureTopics(kafka);
    expect((await topicConfig(kafka, RPC_TOPICS[0])).get('retention.ms')).toBe('300000');
    expect((await topicConfig(kafka, `${RPC_TOPICS[0]}.reply`)).get('segment.ms')).toBe('60000');
  });
});
