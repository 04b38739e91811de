import { Admin, ConfigResourceTypes, Kafka, KafkaConfig, logLevel, Partitioners, SASLOptions } from 'kafkajs';
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

/**
 * Partitions of each RPC request topic: the instances of a service share one consumer group and
 * split these, so up to this many instances take requests (a further one stands by). Replies
 * need no more than one: every gateway instance reads the whole reply topic in a consumer group
 * of its own and keeps the replies whose correlation id it is waiting for (docs/decisions.md,
 * "Running several instances").
 */
export const RPC_REQUEST_PARTITIONS = 4;
export const RPC_REPLY_PARTITIONS = 1;

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

/**
 * RPC requests and replies matter for seconds and carry tenant data: kept 5 minutes, not the broker's
 * 7 days. Segments roll every minute, since retention only ever deletes closed segments.
 */
export const RPC_TOPIC_CONFIG: ReadonlyArray<{ name: string; value: string }> = [
  { name: 'retention.ms', value: String(5 * 60_000) },
  { name: 'segment.ms', value: String(60_000) },
];

/** Event topics (with their DLQs) and the request-reply topics, created once at deploy or boot. */
export const ALL_TOPIC_SPECS: readonly TopicSpec[] = [
  ...TOPIC_SPECS,
  ...RPC_TOPICS.map((topic) => ({
    topic,
    numPartitions: topic.endsWith('.reply') ? RPC_REPLY_PARTITIONS : RPC_REQUEST_PARTITIONS,
    configEntries: [...RPC_TOPIC_CONFIG],
  })),
];

/**
 * Creates any missing topic, adds partitions to an existing one that has fewer than its spec
 * (topics created before their count was raised; a topic is never shrunk), and sets the spec's
 * configEntries on existing topics whose settings differ. Returns the names created or grown.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[] = ALL_TOPIC_SPECS): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    const grown = await growPartitions(admin, specs.filter((s) => existing.has(s.topic) && !isCompacted(s)));
    await alignTopicConfigs(admin, specs.filter((s) => existing.has(s.topic) && s.configEntries?.length));
    if (missing.length === 0) return grown;
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
    return [...missing.map((s) => s.topic), ...grown];
  } finally {
    await admin.disconnect();
  }
}

/**
 * Raises the partition count of existing topics to their spec. Not for compacted topics: a key
 * would then hash to another partition and its older snapshot would outlive the newer one, so
 * those keep the count they were created with (a change there needs a new topic).
 */
async function growPartitions(admin: Admin, specs: readonly TopicSpec[]): Promise<string[]> {
  const short = await shortOfPartitions(admin, specs);
  if (short.length === 0) return [];
  try {
    await admin.createPartitions({ topicPartitions: short.map((s) => ({ topic: s.topic, count: s.numPartitions })) });
  } catch (e) {
    // Two processes booting at once may both grow the same topic: fine if it has its count now.
    if ((await shortOfPartitions(admin, short)).length > 0) throw e;
  }
  for (const { topic } of short) await untilAnswers(() => admin.fetchTopicOffsets(topic), `offsets of ${topic}`);
  return short.map((s) => s.topic);
}

function isCompacted(spec: TopicSpec): boolean {
  return (spec.configEntries ?? []).some((e) => e.name === 'cleanup.policy' && e.value.includes('compact'));
}

async function shortOfPartitions(admin: Admin, specs: readonly TopicSpec[]): Promise<TopicSpec[]> {
  if (specs.length === 0) return [];
  const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
  const count = new Map(topics.map((t) => [t.name, t.partitions.length]));
  return specs.filter((s) => (count.get(s.topic) ?? s.numPartitions) < s.numPartitions);
}

/**
 * Topics created before a setting was added to their spec (e.g. the RPC retention) get it now.
 * Only topics whose described value differs are altered; alterConfigs replaces a topic's dynamic
 * settings, so the spec's configEntries are the whole of them.
 */
async function alignTopicConfigs(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.topic, configNames: (s.configEntries ?? []).map((e) => e.name) })),
  });
  const current = new Map(described.resources.map((r) => [r.resourceName, new Map(r.configEntries.map((e) => [e.configName, e.configValue]))]));
  const differing = specs.filter((s) => (s.configEntries ?? []).some((e) => current.get(s.topic)?.get(e.name) !== e.value));
  if (differing.length === 0) return;
  await admin.alterConfigs({
    validateOnly: false,
    resources: differing.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.topic, configEntries: [...(s.configEntries ?? [])] })),
  });
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
