import { Kafka } from 'kafkajs';
import { uniqueId, waitFor } from '@funnel/testing';

export interface Collected {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** End offsets of every partition now, so a reader can start after everything older. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, o.offset]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads `topic` from `from` (per partition) until `done(messages)` holds, keeping the messages
 * `keep` accepts, in per-partition order.
 */
export async function collect(
  kafka: Kafka,
  topic: string,
  from: Map<number, string>,
  keep: (m: Collected) => boolean,
  done: (messages: Collected[]) => boolean,
  timeoutMs = 30000,
): Promise<Collected[]> {
  const messages: Collected[] = [];
  const consumer = kafka.consumer({ groupId: uniqueId('collect-'), allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (BigInt(message.offset) < BigInt(from.get(partition) ?? '0')) return;
        const m: Collected = {
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? ''])),
        };
        if (keep(m)) messages.push(m);
      },
    });
    // Skip history: start each partition where it ended before the test acted (older ones are filtered too).
    for (const [partition, offset] of from) consumer.seek({ topic, partition, offset });
    await waitFor(async () => messages, done, { timeoutMs, what: `messages on ${topic}` });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
