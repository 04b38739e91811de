import { Kafka, KafkaConfig, logLevel, Partitioners, SASLOptions } from 'kafkajs';
import { RPC_TOPICS, TOPIC_SPECS, TopicSpec } from '@funnel/contracts';

export function parseBrokers(brokers: string): string[] {
  return brokers.split(',').map((b) => b.trim()).filter(Boolean);
}

/**
 * The Kafka variables of KafkaEnv (@funnel/config), as services load them. Only KAFKA_BROKERS is
 * required so a test can name a plaintext broker; a service always passes its whole env.
 */
export interface KafkaConnection {
  KAFKA_BROKERS: string;
  /** '' = no authentication (the local loopback stack), else SCRAM with the two credentials below. */
  KAFKA_SASL_MECHANISM?: '' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  /** TLS to the brokers (system CAs, plus NODE_EXTRA_CA_CERTS for a private one). */
  KAFKA_SSL?: boolean;
}

/**
 * Where and how every Kafka client of the platform connects: brokers, SASL, TLS. Used by
 * createKafka, rpcTransport and the health probes alike, so no client is left unauthenticated.
 */
export function kafkaConnectionOptions(connection: KafkaConnection): Pick<KafkaConfig, 'brokers' | 'sasl' | 'ssl'> {
  const options: Pick<KafkaConfig, 'brokers' | 'sasl' | 'ssl'> = { brokers: parseBrokers(connection.KAFKA_BROKERS) };
  const mechanism = connection.KAFKA_SASL_MECHANISM ?? '';
  if (mechanism !== '') {
    const username = connection.KAFKA_SASL_USERNAME ?? '';
    const password = connection.KAFKA_SASL_PASSWORD ?? '';
    // KafkaEnv refuses this at boot; a direct caller gets the same answer rather than an anonymous client.
    if (!username || !password) throw new Error(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
    const sasl: SASLOptions = { mechanism, username, password };
    options.sasl = sasl;
  }
  if (connection.KAFKA_SSL) options.ssl = true;
  return options;
}

export function createKafka(connection: KafkaConnection, clientId: string): Kafka {
  return new Kafka({
    clientId,
    ...kafkaConnectionOptions(connection),
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

/** A client for health probes: no retries, so a down (or refusing) broker shows within the probe's timeout. */
export function createProbeKafka(connection: KafkaConnection, clientId: string): Kafka {
  return new Kafka({
    clientId,
    ...kafkaConnectionOptions(connection),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
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
