import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { newEventId } from '@funnel/contracts';
import { createKafka } from '@funnel/kafka';
import { getInfra, TEST_WEBHOOK_SECRET_KEYS, uniqueId, waitFor } from '@funnel/testing';
import { ThrowawayDatabase } from '@funnel/persistence';
import { createTestDatabase, startReceiver, startServiceGroupsAtEnd, TestReceiver } from './conversion-harness';

jest.setTimeout(120000);

const ROOT = join(__dirname, '..', '..', '..');
const BUILT_APP_MODULE = join(ROOT, 'dist/apps/conversion-service/src/app.module.js');

/**
 * The BUILT conversion-service (dist/, as `npm start` runs it), booted in a child process with its
 * consumers, outbox relay and webhook dispatcher but without its RPC and HTTP listeners: a second
 * RPC listener on the shared broker would answer other people's requests from this test's
 * throwaway database. Consumer groups are this test's own.
 */
const CHILD = `
const { NestFactory } = require('@nestjs/core');
const { loadConfig, ConversionEnv } = require('./dist/libs/config/src/index.js');
const { AppModule } = require('./dist/apps/conversion-service/src/app.module.js');
NestFactory.createApplicationContext(AppModule.register({ env: loadConfig(ConversionEnv), groupId: process.env.TEST_GROUP_ID }), { logger: ['error', 'warn'] })
  .then(() => console.log('conversion-service child ready'))
  .catch((e) => { console.error(e); process.exit(1); });
`;

describe('webhook retries survive a killed conversion-service (built service, real PostgreSQL and Kafka)', () => {
  let database: ThrowawayDatabase;
  let db: Client;
  let receiver: TestReceiver;
  let child: ChildProcess | undefined;
  let kafkaBrokers: string;
  const groupId = uniqueId('conversion-restart-it-');

  function startChild(): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['-e', CHILD], {
      cwd: ROOT,
      env: { ...process.env, CONVERSION_DATABASE_URL: database.url, KAFKA_BROKERS: kafkaBrokers, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_SECRET_KEYS: TEST_WEBHOOK_SECRET_KEYS, TEST_GROUP_ID: groupId, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child did not start:\n${output}`)), 60000);
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('conversion-service child ready')) {
          clearTimeout(timer);
          resolve(proc);
        }
      });
      proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`child exited with ${code}:\n${output}`));
      });
    });
  }

  function kill9(proc: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      proc.removeAllListeners('exit');
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  beforeAll(async () => {
    if (!existsSync(BUILT_APP_MODULE)) throw new Error('dist/ is missing: run `npm run build` first');
    const infra = await getInfra();
    kafkaBrokers = infra.kafkaBrokers;
    database = await createTestDatabase(infra.conversionDatabaseUrl);
    // New consumer groups would read the shared topics from the beginning: start them at the end.
    const kafka = createKafka({ KAFKA_BROKERS: kafkaBrokers }, 'conversion-restart-it');
    await startServiceGroupsAtEnd(kafka, groupId);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    if (child && child.exitCode === null) await kill9(child);
    await receiver?.close();
    await db?.end();
    await database?.drop();
  });

  it('delivers a retry that was pending when the service was killed -9, after it restarts', async () => {
    let up = false;
    receiver = await startReceiver(() => (up ? 200 : 503));
    const handle = uniqueId('h');
    const webhookId = newEventId();
    const eventId = newEventId();
    const deliveryId = newEventId();
    // What the event consumer would have written: a subscription and a due delivery.
    await db.query(`INSERT INTO webhook_subscriptions (webhook_id, handle, url, events, secret) VALUES ($1, $2, $3, $4, $5)`, [
      webhookId,
      handle,
      receiver.url,
      ['conversion.recorded'],
      'whsec_restart',
    ]);
    const body = JSON.stringify({ id: eventId, type: 'conversion.recorded', createdAt: new Date().toISOString(), data: {} });
    await db.query(`INSERT INTO webhook_deliveries (delivery_id, subscription_id, handle, event_id, event_type, body) VALUES ($1, $2, $3, $4, 'conversion.recorded', $5)`, [
      deliveryId,
      webhookId,
      handle,
      eventId,
      body,
    ]);

    child = await startChild();
    // The built service sealed the secret stored in clear (as rows from before encryption are) at boot.
    expect((await db.query('SELECT secret FROM webhook_subscriptions WHERE webhook_id = $1', [webhookId])).rows[0].secret).toMatch(/^enc:v1:test:/);
    const delivery = async () => (await db.query('SELECT status::text AS status, attempts, next_attempt_at FROM webhook_deliveries WHERE delivery_id = $1', [deliveryId])).rows[0];
    await waitFor(delivery, (d) => d.attempts === 1, { what: 'first (failed) attempt', timeoutMs: 30000, intervalMs: 20 });
    await kill9(child);
    const pending = await delivery();
    expect(pending.status).toBe('pending');
    // Normally 1; a loaded machine may have let one more (failed) retry through before the kill.
    const failedBefore = receiver.received.length;
    expect(pending.attempts).toBe(failedBefore);

    // While it is down the receiver recovers and the retry falls due; nothing sends it.
    up = true;
    await new Promise((r) => setTimeout(r, Math.max(0, (pending.next_attempt_at as Date).getTime() - Date.now()) + 500));
    expect(receiver.received).toHaveLength(failedBefore);

    child = await startChild();
    const done = await waitFor(delivery, (d) => d.status === 'delivered', { what: 'delivered after restart', timeoutMs: 30000 });
    expect(done.attempts).toBe(failedBefore + 1);
    expect(receiver.received).toHaveLength(failedBefore + 1);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    const attempts = await db.query('SELECT attempt_no, status_code FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt_no', [deliveryId]);
    expect(attempts.rows.map((a) => a.status_code)).toEqual([...Array<number>(failedBefore).fill(503), 200]);
  });
});
