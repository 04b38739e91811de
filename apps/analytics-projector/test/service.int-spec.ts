import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { identifier, sql, createClickHouse } from '@funnel/clickhouse';
import { loadConfig, ProjectorEnv } from '@funnel/config';
import { FunnelResult, RPC, RpcReply, RpcRequest, TOPICS } from '@funnel/contracts';
import { createKafka, rpcTransport } from '@funnel/kafka';
import { bootstrapService } from '@funnel/observability';
import { deletePrefixedRpcTopics, ensurePrefixedRpcTopics, getInfra, PrefixedServerKafka, rpcTopicPrefix, uniqueId, waitFor } from '@funnel/testing';
import { AppModule } from '../src/app.module';

/**
 * The service booted the way main.ts boots it (HTTP + Kafka RPC server), with a consumer group,
 * database and RPC topics (prefixed, deleted at the end) of its own: it must not answer a running
 * stack's gateway, or another test's, from its empty database.
 */
const RPC_PREFIX = rpcTopicPrefix('projector-service');

describe('analytics-projector service (HTTP health + Kafka RPC)', () => {
  let app: INestApplication;
  let client: ClientKafka;
  let baseUrl: string;
  let database: string;
  let groupId: string;

  beforeAll(async () => {
    const infra = await getInfra();
    database = uniqueId('projector_svc_');
    groupId = uniqueId('analytics-projector-svc-');
    const env = loadConfig(ProjectorEnv, {
      KAFKA_BROKERS: infra.kafkaBrokers,
      CLICKHOUSE_URL: infra.clickhouseUrl,
      CLICKHOUSE_DATABASE: database,
      LOG_LEVEL: 'warn',
    });
    // Start the new group at the end of the topics: this test reads no history.
    const admin = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, `${groupId}-admin`).admin();
    await admin.connect();
    for (const topic of [TOPICS.clicks, TOPICS.conversions]) {
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })) });
    }
    await admin.disconnect();

    @Module({ imports: [AppModule.register({ env, groupId })] })
    class ServiceUnderTest {}
    await ensurePrefixedRpcTopics(createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, `${groupId}-topics`), RPC_PREFIX);
    const server = new PrefixedServerKafka(RPC_PREFIX, rpcTransport(env, groupId, groupId).options ?? {});
    app = await bootstrapService({ service: 'analytics-projector', module: ServiceUnderTest, port: 0, rpc: { strategy: server } });
    const address = app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${address.port}`;

    client = new ClientKafka(rpcTransport(env, `${groupId}-caller`, `${groupId}-caller`).options ?? {});
    client.subscribeToResponseOf(`${RPC_PREFIX}${RPC.analyticsFunnel}`);
    await client.connect();
    await waitFor(async () => client.getConsumerAssignments(), (a) => a[`${RPC_PREFIX}${RPC.analyticsFunnel}.reply`] !== undefined, {
      timeoutMs: 60000,
      what: 'the reply topic to be assigned',
    });
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    const clickhouse = createClickHouse({ url: (await getInfra()).clickhouseUrl, database: 'default' });
    await clickhouse.command(sql`DROP DATABASE IF EXISTS ${identifier(database)}`);
    await clickhouse.close();
    const admin = createKafka({ KAFKA_BROKERS: (await getInfra()).kafkaBrokers }, `${groupId}-cleanup`).admin();
    await admin.connect();
    await admin.deleteGroups([groupId, `${groupId}-server`, `${groupId}-caller-client`]).catch(() => undefined);
    await admin.disconnect();
    await deletePrefixedRpcTopics(createKafka({ KAFKA_BROKERS: (await getInfra()).kafkaBrokers }, `${groupId}-cleanup`), RPC_PREFIX).catch(() => undefined);
  });

  const call = (handle: string, body: Record<string, string>) => {
    const request: RpcRequest<Record<string, string>> = { handle, requestId: uniqueId('req'), actor: { sub: 'tester', role: 'CREATOR' }, params: {}, body };
    return firstValueFrom(client.send<RpcReply<FunnelResult>>(`${RPC_PREFIX}${RPC.analyticsFunnel}`, request).pipe(timeout(30000)));
  };

  it('answers GET /health with kafka and clickhouse up', async () => {
    const res = await fetch(`${baseUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      service: 'analytics-projector',
      dependencies: { kafka: { status: 'up' }, clickhouse: { status: 'up' } },
    });
  });

  it('answers RPC.analyticsFunnel over Kafka', async () => {
    const handle = uniqueId('svc');
    const one = await call(handle, { funnel: 'true', campaignId: 'spring-launch' });
    expect(one).toEqual({
      ok: true,
      data: {
        funnel: [
          {
            campaignId: 'spring-launch',
            clicks: 0,
            qualifiedClicks: 0,
            conversions: 0,
            revenue: 0,
            confidence: 0,
            breakdown: { source: [], country: [], device: [] },
            lastSeenAt: null,
          },
        ],
      },
    });
    const all = await call(handle, {});
    expect(all).toMatchObject({ ok: true, data: { aggregate: { campaignId: null, clicks: 0 }, funnel: [] } });
  });

  it('answers a bad request over Kafka with the seed error, never a throw', async () => {
    expect(await call(uniqueId('svc'), { campaignId: 'X' })).toMatchObject({ ok: false, error: { status: 400, error: 'invalid_campaign_id' } });
    expect(await call('Not A Handle', {})).toMatchObject({ ok: false, error: { status: 400, error: 'invalid_handle' } });
  });
});
