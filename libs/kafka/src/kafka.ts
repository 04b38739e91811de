import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { RPC_TOPICS, TOPIC_SPECS, TopicSpec } from '@funnel/contracts';

export function parseBrokers(brokers: string): string[] {
  return brokers.split(',').map((b) => b.trim()).filter(Boolean);
}

export function createKafka(brokers: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: parseBrokers(brokers),
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

/** Event topics (with their DLQs) and the request-reply topics, created once at deploy or boot. */
export const ALL_TOPIC_SPECS: readonly TopicSpec[] = [
  ...TOPIC_SPECS,
  ...RPC_TOPICS.map((topic) => ({ topic, numPartitions: 1 })),
];

/** Creates any missing topic; existing ones are left as they are. Returns the names created. */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[] = ALL_TOPIC_SPECS): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        replicationFactor: 1,
        configEntries: s.configEntries,
      })),
    });
    // A fresh broker may still answer "not the leader" for a moment after creation; wait until
    // every new topic answers an offsets request, so callers can use it at once.
    for (const { topic } of missing) await untilAnswers(() => admin.fetchTopicOffsets(topic), `offsets of ${topic}`);
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

async function untilAnswers(request: () => Promise<unknown>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await request();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`Kafka did not answer ${what} within ${timeoutMs} ms: ${(e as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export { Partitioners };
