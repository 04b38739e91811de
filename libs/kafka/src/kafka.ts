import { Admin, ConfigResourceTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
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
  ...RPC_TOPICS.map((topic) => ({ topic, numPartitions: 1, configEntries: [...RPC_TOPIC_CONFIG] })),
];

/** Creates any missing topic and sets the spec's configEntries on existing ones that differ. Returns the names created. */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[] = ALL_TOPIC_SPECS): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    await alignTopicConfigs(admin, specs.filter((s) => existing.has(s.topic) && s.configEntries?.length));
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
