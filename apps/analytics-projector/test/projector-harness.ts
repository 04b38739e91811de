import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, KafkaMessage } from 'kafkajs';
import { ClickHouse, createClickHouse, identifier, sql } from '@funnel/clickhouse';
import { loadConfig, ProjectorEnv } from '@funnel/config';
import { createKafka, ensureTopics } from '@funnel/kafka';
import { jsonLogger } from '@funnel/observability';
import { getInfra, uniqueId } from '@funnel/testing';
import { AppModule } from '../src/app.module';

/**
 * A projector of its own for each test file: its own ClickHouse database (migrated by the
 * projector at boot, dropped at the end) and its own consumer group, whose offsets start at the
 * current end of the topics so it reads only what the test produces, never history.
 */
export interface ProjectorBed {
  kafka: Kafka;
  database: string;
  groupId: string;
  /** Connection to the bed's database, for assertions. */
  clickhouse: ClickHouse;
  /** Where the group started, per topic and partition. */
  startOffsets: Map<string, Array<{ partition: number; offset: string }>>;
  start(): Promise<INestApplicationContext>;
  /** Moves the group's committed offsets back to where the bed started (the group must be stopped). */
  rewind(): Promise<void>;
  close(): Promise<void>;
}

export async function createProjectorBed(topics: readonly string[]): Promise<ProjectorBed> {
  const infra = await getInfra();
  const kafka = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, uniqueId('projector-test-'));
  await ensureTopics(kafka);
  const database = uniqueId('projector_test_');
  const groupId = uniqueId('analytics-projector-test-');
  const startOffsets = new Map<string, Array<{ partition: number; offset: string }>>();

  const admin = kafka.admin();
  await admin.connect();
  const setOffsets = async () => {
    for (const [topic, partitions] of startOffsets) await admin.setOffsets({ groupId, topic, partitions });
  };
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    startOffsets.set(topic, offsets.map((o) => ({ partition: o.partition, offset: o.high })));
  }
  await setOffsets();

  const env = loadConfig(ProjectorEnv, {
    KAFKA_BROKERS: infra.kafkaBrokers,
    CLICKHOUSE_URL: infra.clickhouseUrl,
    CLICKHOUSE_DATABASE: database,
    LOG_LEVEL: 'warn',
  });
  const clickhouse = createClickHouse({ url: infra.clickhouseUrl, database });
  const apps: INestApplicationContext[] = [];

  return {
    kafka,
    database,
    groupId,
    clickhouse,
    startOffsets,
    async start() {
      @Module({ imports: [AppModule.register({ env, groupId })] })
      class TestProjectorModule {}
      const app = await NestFactory.createApplicationContext(TestProjectorModule, { logger: jsonLogger('analytics-projector-test', 'warn') });
      apps.push(app);
      return app;
    },
    rewind: setOffsets,
    async close() {
      for (const app of apps) await app.close().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
      await clickhouse.command(sql`DROP DATABASE IF EXISTS ${identifier(database)}`).catch(() => undefined);
      await clickhouse.close();
    },
  };
}

/** Collects what lands on a topic from now on (a group of its own, positioned at the end). */
export async function watchTopic(kafka: Kafka, topic: string): Promise<{ messages: KafkaMessage[]; stop(): Promise<void> }> {
  const groupId = uniqueId('projector-test-watch-');
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.setOffsets({ groupId, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })) });
  const consumer = kafka.consumer({ groupId });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
    },
  });
  return {
    messages,
    async stop() {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
