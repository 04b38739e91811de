import 'reflect-metadata';
import { resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from '@funnel/kafka';
import { createPrismaAdapter, ThrowawayDatabase } from '@funnel/persistence';
import { createMigratedDatabase, getInfra } from '@funnel/testing';
import { jsonLogger } from '@funnel/observability';
import { AppModule } from '../src/app.module';
import { PrismaClient } from '../src/generated/prisma/client';

export const SERVICE_DIR = resolve(__dirname, '..');
export const TEST_REDIRECT_BASE = 'https://go.test.example';

/** A migrated database of its own, the broker, and a direct client for assertions. */
export interface TestBed {
  db: ThrowawayDatabase;
  kafka: Kafka;
  brokers: string;
  prisma: PrismaClient;
  close(): Promise<void>;
}

export async function createTestBed(prefix: string): Promise<TestBed> {
  const infra = await getInfra();
  const db = await createMigratedDatabase(SERVICE_DIR, 'CAMPAIGN_DATABASE_URL', infra.campaignDatabaseUrl, prefix);
  const kafka = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, `${prefix}-test`);
  await ensureTopics(kafka);
  const prisma = new PrismaClient({ adapter: createPrismaAdapter(db.url, 4) });
  return {
    db,
    kafka,
    brokers: infra.kafkaBrokers,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

/**
 * The whole service in-process (no HTTP, no RPC transport): AppModule as main.ts boots it, so the
 * relay starts on bootstrap and drains on close. Controllers are called directly.
 */
export async function startCampaignService(bed: TestBed): Promise<INestApplicationContext> {
  process.env.CAMPAIGN_DATABASE_URL = bed.db.url;
  process.env.KAFKA_BROKERS = bed.brokers;
  process.env.PUBLIC_REDIRECT_BASE_URL = TEST_REDIRECT_BASE;
  return NestFactory.createApplicationContext(AppModule, { logger: jsonLogger('campaign-service-test', 'warn') });
}
