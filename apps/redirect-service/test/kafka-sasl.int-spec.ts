import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { KafkaEnv, loadConfig } from '@funnel/config';
import { createKafka, createProbeKafka, ensureTopics, KafkaConnection, rpcTransport } from '@funnel/kafka';
import { waitFor } from '@funnel/testing';
import { PrivateKafka } from './private-kafka';

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
});
