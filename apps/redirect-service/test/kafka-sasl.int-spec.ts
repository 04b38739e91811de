import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, INestApplication, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { KafkaEnv, loadConfig } from '@funnel/config';
import { ClickRecordedV1, CONTEXT_PARAM, parseEnvelopes, snapshotKey, TOPICS } from '@funnel/contracts';
import { createKafka, createProbeKafka, ensureTopics, EventProducer, KafkaConnection, rpcTransport } from '@funnel/kafka';
import { bootstrapService } from '@funnel/observability';
import { PrivateKafka, waitFor } from '@funnel/testing';
import { AppModule } from '../src/app.module';
import { campaignSnapshot, linkSnapshot } from './fixtures';

/**
 * A broker that only lets a SCRAM-SHA-512 user in (SASL_PLAINTEXT listener, user created at storage
 * format, as docker-compose.yml does it): the clients libs/kafka builds from a service's env get in
 * with the right credentials and are refused with wrong or no credentials.
 */
const ECHO = 'sasl-it.echo';

@Controller()
class EchoController {
  @MessagePattern(ECHO)
  echo(@Payload() body: { text: string }): { echoed: string } {
    return { echoed: body.text };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('Kafka with SASL/SCRAM (private broker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sasl-'));
  const user = { username: 'funnel', password: randomBytes(18).toString('base64url') };
  let broker: PrivateKafka;
  let env: KafkaEnv;

  beforeAll(async () => {
    broker = await PrivateKafka.create(join(dir, 'kafka'), { scram: user });
    await broker.start();
    env = loadConfig(KafkaEnv, {
      KAFKA_BROKERS: broker.brokers,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: user.username,
      KAFKA_SASL_PASSWORD: user.password,
      LOG_LEVEL: 'warn',
    });
  }, 90000);

  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a client built from the service env create a topic, produce and consume', async () => {
    const kafka = createKafka(env, 'sasl-it');
    const topic = 'sasl-it.messages';
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 1 }])).toEqual([topic]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'over SCRAM' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'sasl-it-reader' });
    const received: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
      await waitFor(async () => received, (r) => r.length > 0, { what: 'the message to be consumed' });
    } finally {
      await consumer.disconnect();
    }
    expect(received).toEqual(['over SCRAM']);
  });

  const refused = async (connection: KafkaConnection): Promise<Error> => {
    const admin = createProbeKafka(connection, 'sasl-it-intruder').admin();
    try {
      await admin.connect();
      await admin.listTopics();
    } catch (e) {
      return e as Error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    throw new Error('the broker let the client in');
  };

  it('refuses a wrong password, an unknown user and a client without credentials', async () => {
    const wrongPassword = await refused({ ...env, KAFKA_SASL_PASSWORD: `${user.password}x` });
    expect(wrongPassword.name).toBe('KafkaJSSASLAuthenticationError');
    const unknownUser = await refused({ ...env, KAFKA_SASL_USERNAME: 'someone-else' });
    expect(unknownUser.name).toBe('KafkaJSSASLAuthenticationError');
    const wrongMechanism = await refused({ ...env, KAFKA_SASL_MECHANISM: 'scram-sha-256' });
    expect(wrongMechanism.name).toMatch(/^KafkaJS/);
    // Without SASL the broker answers nothing but the API versions and then closes the connection.
    const anonymous = await refused({ KAFKA_BROKERS: broker.brokers });
    expect(anonymous.name).toMatch(/^KafkaJS/);
  });

  it('carries the credentials in the Nest RPC transport options: a request-reply round trip', async () => {
    const server = rpcTransport(env, 'sasl-it-server', 'sasl-it-server');
    expect(server.options?.client).toMatchObject({
      brokers: [broker.brokers],
      sasl: { mechanism: 'scram-sha-512', username: user.username, password: user.password },
    });
    const withoutCredentials = rpcTransport({ KAFKA_BROKERS: broker.brokers }, 'x', 'x');
    expect(withoutCredentials.options?.client).not.toHaveProperty('sasl');

    await ensureTopics(createKafka(env, 'sasl-it-admin'), [
      { topic: ECHO, numPartitions: 1 },
      { topic: `${ECHO}.reply`, numPartitions: 1 },
    ]);
    let app: INestMicroservice | undefined;
    let client: ClientKafka | undefined;
    try {
      app = await NestFactory.createMicroservice(EchoModule, { ...server, logger: ['error'] });
      await app.listen();
      client = new ClientKafka(rpcTransport(env, 'sasl-it-caller', 'sasl-it-caller').options ?? {});
      client.subscribeToResponseOf(ECHO);
      await client.connect();
      const caller = client;
      await waitFor(async () => caller.getConsumerAssignments(), (a) => a[`${ECHO}.reply`] !== undefined, {
        timeoutMs: 30000,
        what: 'the reply topic to be assigned',
      });
      const reply = await firstValueFrom(client.send<{ echoed: string }>(ECHO, { text: 'hello' }).pipe(timeout(20000)));
      expect(reply).toEqual({ echoed: 'hello' });
    } finally {
      await client?.close();
      await app?.close();
    }
  });

  it('runs the redirect edge over SASL: its link table loads and its click worker produces', async () => {
    const kafka = createKafka(env, 'sasl-it-edge');
    await ensureTopics(kafka);
    const producer = new EventProducer(kafka);
    await producer.connect();
    await producer.send(TOPICS.campaignSnapshots, [{ key: snapshotKey('acme', 'spring-launch'), value: JSON.stringify(campaignSnapshot()) }]);
    await producer.send(TOPICS.linkSnapshots, [{ key: snapshotKey('acme', 'spring'), value: JSON.stringify(linkSnapshot()) }]);
    await producer.disconnect();

    const saved = { ...process.env };
    Object.assign(process.env, {
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      KAFKA_SASL_MECHANISM: env.KAFKA_SASL_MECHANISM,
      KAFKA_SASL_USERNAME: env.KAFKA_SASL_USERNAME,
      KAFKA_SASL_PASSWORD: env.KAFKA_SASL_PASSWORD,
      REDIRECT_SPOOL_DIR: join(dir, 'spool'),
      LOG_LEVEL: 'warn',
    });
    let app: INestApplication | undefined;
    const consumer = kafka.consumer({ groupId: 'sasl-it-clicks' });
    try {
      app = await bootstrapService({ service: 'redirect-service', module: AppModule, port: 0, host: '127.0.0.1' });
      const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      await waitFor(
        async () => (await (await fetch(`${base}/health`)).json()) as { dependencies: Record<string, { status: string }> },
        (h) => h.dependencies.linkTable?.status === 'up',
        { what: 'the link table loaded over SASL', timeoutMs: 30000 },
      );
      const res = await fetch(`${base}/acme/spring`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0' } });
      expect(res.status).toBe(302);
      const clickId = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get(CONTEXT_PARAM);

      const clickIds: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: TOPICS.clicks, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const parsed = parseEnvelopes(message.value ?? Buffer.alloc(0), { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 });
          if (parsed.ok) for (const e of parsed.envelopes) clickIds.push(e.payload.clickId);
        },
      });
      // The click worker's own Kafka client (a separate thread, configured from the same env) sent it.
      await waitFor(async () => clickIds, (ids) => ids.includes(clickId ?? ''), { what: 'the click produced over SASL', timeoutMs: 30000 });
    } finally {
      await consumer.disconnect();
      await app?.close();
      process.env = saved;
    }
  });
});
