import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Consumer, Kafka } from 'kafkajs';
import { ConversionEnv, loadConfig } from '@funnel/config';
import { Envelope, RpcReply, RpcRequest, TOPICS } from '@funnel/contracts';
import { createKafka, ensureTopics } from '@funnel/kafka';
import { ThrowawayDatabase } from '@funnel/persistence';
import { newWebhookSecret, parseSecretKeyring, sealSecret, WEBHOOK_SECRET_PURPOSE } from '@funnel/auth';
import { createMigratedDatabase, getInfra, recordIssuedSecret, TEST_WEBHOOK_SECRET_KEYS, uniqueId, waitFor } from '@funnel/testing';
import { AppModule } from '../src/app.module';

const APP_DIR = join(__dirname, '..');

/** A throwaway database with this service's migrations applied the way deploys apply them. */
export function createTestDatabase(serverUrl: string): Promise<ThrowawayDatabase> {
  return createMigratedDatabase(APP_DIR, 'CONVERSION_DATABASE_URL', serverUrl, 'funnel_conversion_it');
}

/**
 * Commits the current end offsets for a new consumer group, so a test's consumers see exactly
 * what is produced from now on (not the topic's history, nor a running service's share of it).
 */
export async function startGroupAtEnd(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const offsets = await endOffsets(kafka, topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId, topic, partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: offset.toString() })) });
  } finally {
    await admin.disconnect();
  }
  return offsets;
}

/** The next offset of every partition of a topic (its high watermark). */
async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

export interface CollectedTopic {
  events: Array<Envelope<Record<string, unknown>>>;
  /** Resolves once everything on the topic when called has been collected: an event not in `events` then was never published. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

/** Collects envelopes published on a topic from now on. */
export async function collectTopic(kafka: Kafka, topic: string): Promise<CollectedTopic> {
  const groupId = uniqueId('conv-it-collect-');
  const next = await startGroupAtEnd(kafka, groupId, topic);
  const consumer: Consumer = kafka.consumer({ groupId });
  const events: Array<Envelope<Record<string, unknown>>> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (message.value) events.push(JSON.parse(message.value.toString()) as Envelope<Record<string, unknown>>);
      next.set(partition, BigInt(message.offset) + 1n);
    },
  });
  return {
    events,
    caughtUp: async () => {
      const ends = await endOffsets(kafka, topic);
      await waitFor(
        async () => [...ends].filter(([partition, end]) => (next.get(partition) ?? 0n) < end).length,
        (behind) => behind === 0,
        { intervalMs: 50, what: `the ${topic} collector to catch up` },
      );
    },
    stop: () => consumer.disconnect(),
  };
}

/**
 * Resolves once a consumer group has committed everything on the topic when called: the service
 * commits a message only after handling it, so it has then handled them all.
 */
export async function waitForGroupAtEnd(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const ends = await endOffsets(kafka, topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const at = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
        return [...ends].filter(([partition, end]) => (at.get(partition) ?? -1n) < end).length;
      },
      (behind) => behind === 0,
      { intervalMs: 100, what: `consumer group ${groupId} to handle everything on ${topic}` },
    );
  } finally {
    await admin.disconnect();
  }
}

/** Every consumer group the service derives from its base group id, started at the topics' ends. */
export async function startServiceGroupsAtEnd(kafka: Kafka, groupId: string): Promise<void> {
  await Promise.all([
    startGroupAtEnd(kafka, groupId, TOPICS.clicks),
    startGroupAtEnd(kafka, `${groupId}-campaigns`, TOPICS.campaignSnapshots),
    startGroupAtEnd(kafka, `${groupId}-webhooks`, TOPICS.conversions),
    startGroupAtEnd(kafka, `${groupId}-campaign-webhooks`, TOPICS.campaignEvents),
  ]);
}

/** What the gateway does when a webhook is created: mints the signing secret and seals it under the keys the service holds. */
export function mintWebhookSecret(keys: string = TEST_WEBHOOK_SECRET_KEYS): { secret: string; sealedSecret: string } {
  const secret = newWebhookSecret();
  recordIssuedSecret('webhook-secret', secret);
  return { secret, sealedSecret: sealSecret(parseSecretKeyring(keys), secret, WEBHOOK_SECRET_PURPOSE) };
}

export interface TestService {
  app: INestApplicationContext;
  kafka: Kafka;
  /** The service's base consumer group id (see startServiceGroupsAtEnd for the ones derived from it). */
  groupId: string;
  databaseUrl: string;
  close(): Promise<void>;
}

/** The whole service in-process (consumers, outbox relay, dispatcher), without its HTTP and RPC listeners. */
export async function startService(overrides: Record<string, string> = {}): Promise<TestService> {
  const infra = await getInfra();
  const kafka = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, 'conversion-service-it');
  await ensureTopics(kafka);
  const groupId = uniqueId('conversion-service-it-');
  const creating = createTestDatabase(infra.conversionDatabaseUrl);
  let app: INestApplicationContext;
  try {
    await Promise.all([creating, startServiceGroupsAtEnd(kafka, groupId)]);
    const env = loadConfig(ConversionEnv, { KAFKA_BROKERS: infra.kafkaBrokers, CONVERSION_DATABASE_URL: (await creating).url, WEBHOOK_SECRET_KEYS: TEST_WEBHOOK_SECRET_KEYS, ...overrides });
    app = await NestFactory.createApplicationContext(AppModule.register({ env, groupId }), { logger: ['error', 'warn'] });
  } catch (e) {
    await creating.then((d) => d.drop()).catch(() => undefined);
    throw e;
  }
  const database = await creating;
  return {
    app,
    kafka,
    groupId,
    databaseUrl: database.url,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  raw: string;
}

export interface TestReceiver {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** An HTTP receiver on loopback that answers the n-th request (1-based) with `answer(n)`. */
export async function startReceiver(answer: (n: number) => number, port = 0): Promise<TestReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, raw });
      res.writeHead(answer(received.length), { 'content-type': 'text/plain' }).end(`answer ${received.length}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/hooks`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An RPC request as the gateway sends it, from an ADMIN tester. */
export function rpcRequest<B>(handle: string, body: B, params: Record<string, string> = {}): RpcRequest<B> {
  return { handle, requestId: uniqueId('req-'), actor: { sub: 'tester', role: 'ADMIN' }, params, body };
}

/** The data of an ok reply; a failure fails the test with the error. */
export function replyData<T>(reply: RpcReply<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.data;
}

export { clickEvent } from '@funnel/testing';
