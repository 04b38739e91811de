import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Consumer, Kafka } from 'kafkajs';
import { ConversionEnv, loadConfig } from '@funnel/config';
import { Envelope, TOPICS } from '@funnel/contracts';
import { createKafka, ensureTopics } from '@funnel/kafka';
import { createThrowawayDatabase, prismaMigrateDeploy, ThrowawayDatabase } from '@funnel/persistence';
import { getInfra, uniqueId } from '@funnel/testing';
import { AppModule } from '../src/app.module';

const APP_DIR = join(__dirname, '..');

/** A throwaway database with this service's migrations applied the way deploys apply them. */
export async function createTestDatabase(serverUrl: string): Promise<ThrowawayDatabase> {
  const database = await createThrowawayDatabase(serverUrl, 'funnel_conversion_it');
  try {
    await prismaMigrateDeploy(APP_DIR, 'CONVERSION_DATABASE_URL', database.url);
  } catch (e) {
    await database.drop();
    throw e;
  }
  return database;
}

/**
 * Commits the current end offsets for a new consumer group, so a test's consumers see exactly
 * what is produced from now on (not the topic's history, nor a running service's share of it).
 */
export async function startGroupAtEnd(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })) });
  } finally {
    await admin.disconnect();
  }
}

/** Collects envelopes published on a topic from now on. */
export async function collectTopic(kafka: Kafka, topic: string): Promise<{ events: Array<Envelope<Record<string, unknown>>>; stop(): Promise<void> }> {
  const groupId = uniqueId('conv-it-collect-');
  await startGroupAtEnd(kafka, groupId, topic);
  const consumer: Consumer = kafka.consumer({ groupId });
  const events: Array<Envelope<Record<string, unknown>>> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) events.push(JSON.parse(message.value.toString()) as Envelope<Record<string, unknown>>);
    },
  });
  return { events, stop: () => consumer.disconnect() };
}

export interface TestService {
  app: INestApplicationContext;
  kafka: Kafka;
  databaseUrl: string;
  close(): Promise<void>;
}

/** The whole service in-process (consumers, outbox relay, dispatcher), without its HTTP and RPC listeners. */
export async function startService(overrides: Record<string, string> = {}): Promise<TestService> {
  const infra = await getInfra();
  const kafka = createKafka(infra.kafkaBrokers, 'conversion-service-it');
  await ensureTopics(kafka);
  const groupId = uniqueId('conversion-service-it-');
  const creating = createTestDatabase(infra.conversionDatabaseUrl);
  let app: INestApplicationContext;
  try {
    await Promise.all([
      creating,
      startGroupAtEnd(kafka, groupId, TOPICS.clicks),
      startGroupAtEnd(kafka, `${groupId}-campaigns`, TOPICS.campaignSnapshots),
      startGroupAtEnd(kafka, `${groupId}-webhooks`, TOPICS.conversions),
    ]);
    const env = loadConfig(ConversionEnv, { KAFKA_BROKERS: infra.kafkaBrokers, CONVERSION_DATABASE_URL: (await creating).url, ...overrides });
    app = await NestFactory.createApplicationContext(AppModule.register({ env, groupId }), { logger: ['error', 'warn'] });
  } catch (e) {
    await creating.then((d) => d.drop()).catch(() => undefined);
    throw e;
  }
  const database = await creating;
  return {
    app,
    kafka,
    databaseUrl: database.url,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
