import { MessageHandler, ServerKafka } from '@nestjs/microservices';
import type { KafkaOptions } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { RPC_TOPICS } from '@funnel/contracts';
import { uniqueId } from './wait';

/**
 * A Kafka RPC server with every pattern (= request topic) prefixed: an in-process test gives a
 * service and its gateway (`rpcTopicPrefix`) request topics of their own, so services of a stack
 * sharing the broker neither answer the test's requests nor see them.
 */
export class PrefixedServerKafka extends ServerKafka {
  constructor(
    private readonly prefix: string,
    options: Required<KafkaOptions>['options'],
  ) {
    super(options);
  }

  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    super.addHandler(typeof pattern === 'string' ? `${this.prefix}${pattern}` : pattern, callback, isEventHandler, extras);
  }
}

/** Creates the prefixed request and reply topics of every RPC pattern that do not exist yet. */
export async function ensurePrefixedRpcTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = RPC_TOPICS.map((t) => `${prefix}${t}`).filter((t) => !existing.has(t));
    if (missing.length) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the prefixed RPC topics (after every server and client on them has closed). */
export async function deletePrefixedRpcTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
}

/** A prefix of RPC topics for one run of one test file: runs at the same time on one broker never share them. */
export function rpcTopicPrefix(name: string): string {
  return `funnel-test.${name}.${uniqueId('r')}.`;
}
