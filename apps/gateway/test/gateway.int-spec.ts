import 'reflect-metadata';
import { Controller, INestApplication, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, MicroserviceOptions, Payload } from '@nestjs/microservices';
import type { EachMessagePayload } from 'kafkajs';
import type { AddressInfo } from 'node:net';
import { GatewayEnv, loadConfig } from '@funnel/config';
import {
  CreateCampaignBody,
  CreateCampaignResult,
  FunnelResult,
  HealthView,
  RPC,
  rpcFail,
  rpcOk,
  RpcReply,
  RpcRequest,
} from '@funnel/contracts';
import { signDevToken } from '@funnel/auth';
import { createKafka, rpcTransport } from '@funnel/kafka';
import { bootstrapService } from '@funnel/observability';
import { deletePrefixedRpcTopics, ensurePrefixedRpcTopics, getInfra, PrefixedServerKafka, rpcTopicPrefix, TEST_WEBHOOK_SECRET_KEYS, uniqueId, waitFor } from '@funnel/testing';
import { AppModule } from '../src/app.module';
import { configureHttp } from '../src/platform/http/http-setup';

/**
 * The gateway booted in-process on a free port, talking over the real Kafka broker to a small
 * responder (a Nest Kafka microservice in this process) that stands in for the owning services.
 */
const SECRET = 'integration-test-secret-0123456789';
const RPC_TIMEOUT_MS = 2500;
const HANDLE = uniqueId('gw');
const OTHER_HANDLE = uniqueId('gwother');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Requests the responder saw for this test's handles. */
const received: Array<RpcRequest<Record<string, unknown>>> = [];

/**
 * RPC topics of this run's own (prefixed, deleted at the end), so no service of a running stack,
 * nor another test file or run serving RPC, answers in place of the responder. Nest's Kafka server
 * replies to every request it consumes; this one also stays silent on other handles' requests.
 */
const RPC_PREFIX = rpcTopicPrefix('gateway');

class ThisTestOnlyServer extends PrefixedServerKafka {
  override async handleMessage(payload: EachMessagePayload): Promise<unknown> {
    let handle: unknown;
    try {
      handle = (JSON.parse(payload.message.value?.toString() ?? 'null') as { handle?: unknown } | null)?.handle;
    } catch {
      return undefined;
    }
    return handle === HANDLE || handle === OTHER_HANDLE ? super.handleMessage(payload) : undefined;
  }
}

@Controller()
class FakeOwnerResponder {
  @MessagePattern(RPC.campaignCreate)
  create(@Payload() request: RpcRequest<CreateCampaignBody>): RpcReply<CreateCampaignResult> {
    received.push(request as unknown as RpcRequest<Record<string, unknown>>);
    if (request.body.campaignId === 'taken-already') return rpcFail(409, 'campaign_conflict', 'Campaign ID already exists');
    const now = new Date().toISOString();
    return rpcOk({
      campaign: {
        campaignId: request.body.campaignId ?? 'cmp_0001',
        handle: request.handle,
        name: null,
        goalType: request.body.goalType,
        status: request.body.status ?? 'DRAFT',
        trackingPreset: 'ga4_purchase',
        eventType: 'purchase',
        primarySlug: request.body.primarySlug ?? null,
        cookieDurationDays: 30,
        version: 1,
        createdAt: now,
        updatedAt: now,
      },
      quickStart: ['fake responder step'],
    });
  }

  @MessagePattern(RPC.campaignHealth)
  async health(@Payload() request: RpcRequest<Record<string, never>, { campaignId: string }>): Promise<RpcReply<HealthView>> {
    received.push(request);
    const { campaignId } = request.params;
    if (campaignId === 'slow-campaign') await new Promise((resolve) => setTimeout(resolve, RPC_TIMEOUT_MS + 1000));
    if (campaignId !== 'spring-launch') return rpcFail(404, 'campaign_not_found', `Campaign ${campaignId} not found`);
    return rpcOk({ campaignId, checks: [{ name: 'primary_link', status: 'PASS', detail: 'ok' }], readiness: 'READY' });
  }

  /** The analytics paths look a named campaign up with campaign get. */
  @MessagePattern(RPC.campaignGet)
  async get(@Payload() request: RpcRequest<Record<string, never>, { campaignId: string }>): Promise<RpcReply<{ campaignId: string }>> {
    received.push(request);
    const { campaignId } = request.params;
    if (campaignId !== 'spring-launch') return rpcFail(404, 'campaign_not_found', `Campaign ${campaignId} not found`);
    return rpcOk({ campaignId });
  }

  @MessagePattern(RPC.analyticsFunnel)
  funnel(@Payload() request: RpcRequest<{ campaignId?: string }>): RpcReply<FunnelResult> {
    received.push(request);
    return rpcOk({ funnel: [] });
  }
}

@Module({ controllers: [FakeOwnerResponder] })
class FakeOwnerModule {}

let gateway: INestApplication;
let responder: INestMicroservice;
let baseUrl: string;

const token = (role: 'VIEWER' | 'CREATOR' | 'ADMIN' = 'CREATOR', handle = HANDLE) =>
  signDevToken({ sub: 'user-int', handle, role, secret: SECRET, expiresIn: '10m' });

async function call(method: string, path: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; auth?: string | null } = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const auth = options.auth === undefined ? token() : options.auth;
  if (auth !== null) headers.authorization = `Bearer ${auth}`;
  let body: string | undefined;
  if (options.rawBody !== undefined || options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.rawBody ?? JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

function expectEnvelope(body: Record<string, unknown> | null, error: string) {
  expect(body).toMatchObject({ success: false, error, message: expect.any(String), meta: { timestamp: expect.any(String), requestId: expect.any(String) } });
}

beforeAll(async () => {
  const infra = await getInfra();
  process.env.LOG_LEVEL ??= 'warn';
  const env = loadConfig(GatewayEnv, { JWT_SECRET: SECRET, KAFKA_BROKERS: infra.kafkaBrokers, RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS), WEBHOOK_SECRET_KEYS: TEST_WEBHOOK_SECRET_KEYS });

  await ensurePrefixedRpcTopics(createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, uniqueId('gateway-int-admin')), RPC_PREFIX);
  @Module({ imports: [AppModule.register({ env, rpcGroupId: uniqueId('gateway-int'), rpcTopicPrefix: RPC_PREFIX })] })
  class GatewayUnderTest {}

  gateway = await bootstrapService({ service: 'gateway', module: GatewayUnderTest, port: 0, configure: configureHttp });
  const address = gateway.getHttpServer().address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}`;

  responder = await NestFactory.createMicroservice<MicroserviceOptions>(FakeOwnerModule, {
    strategy: new ThisTestOnlyServer(RPC_PREFIX, rpcTransport({ KAFKA_BROKERS: infra.kafkaBrokers }, 'fake-owner', uniqueId('fake-owner')).options ?? {}),
    logger: ['error'],
  });
  await responder.listen();

  // A new consumer group starts at the latest offset once it has joined; wait until a round trip works.
  await waitFor(
    () => call('GET', `/v2/handles/${HANDLE}/campaigns/warm-up/health`),
    (r) => r.status === 404,
    { timeoutMs: 60000, intervalMs: 500, what: 'the fake responder to answer' },
  );
  received.length = 0;
});

afterAll(async () => {
  await responder?.close();
  await gateway?.close();
  await deletePrefixedRpcTopics(createKafka({ KAFKA_BROKERS: (await getInfra()).kafkaBrokers }, uniqueId('gateway-int-admin')), RPC_PREFIX).catch(() => undefined);
});

describe('gateway over Kafka request-reply', () => {
  it('creates a campaign: 201 with the service body, and forwards tenant, actor and request id', async () => {
    const res = await call('POST', `/v2/handles/${HANDLE}/campaigns`, {
      body: { campaignId: 'spring-launch', goalType: 'PRODUCT_SALE', status: 'ACTIVE', primarySlug: 'spring-promo' },
      headers: { 'x-request-id': 'int-create-1' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      campaign: { campaignId: 'spring-launch', handle: HANDLE, goalType: 'PRODUCT_SALE', status: 'ACTIVE', primarySlug: 'spring-promo' },
      quickStart: ['fake responder step'],
    });
    expect(res.headers.get('x-request-id')).toBe('int-create-1');
    expect(received).toContainEqual({
      handle: HANDLE,
      requestId: 'int-create-1',
      actor: { sub: 'user-int', role: 'CREATOR' },
      params: {},
      body: { campaignId: 'spring-launch', goalType: 'PRODUCT_SALE', status: 'ACTIVE', primarySlug: 'spring-promo' },
    });
  });

  it('answers 401 without a token, in the envelope, with a generated request id', async () => {
    const res = await call('POST', `/v2/handles/${HANDLE}/campaigns`, { body: { goalType: 'PRODUCT_SALE' }, auth: null });
    expect(res.status).toBe(401);
    expectEnvelope(res.body, 'unauthorized');
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    expect(res.body?.meta).toMatchObject({ requestId });
  });

  it('answers 400 validation_failed naming the bad fields, without calling the service', async () => {
    const before = received.length;
    const res = await call('POST', `/v2/handles/${HANDLE}/campaigns`, { body: { goalType: 'WORLD_DOMINATION', color: 'red' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'validation_failed');
    const fields = (res.body?.fields as Array<{ field: string; code: string }>).map((f) => f.field).sort();
    expect(fields).toEqual(['color', 'goalType']);
    expect(received.length).toBe(before);
  });

  it('answers 400 invalid_campaign_id for a campaignId that breaks the pattern', async () => {
    const res = await call('POST', `/v2/handles/${HANDLE}/campaigns`, { body: { campaignId: 'No Spaces Allowed', goalType: 'PRODUCT_SALE' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'invalid_campaign_id');
    expect(res.body?.fields).toEqual([expect.objectContaining({ field: 'campaignId' })]);
  });

  it('answers 400 malformed_json for a body that is not JSON', async () => {
    const res = await call('POST', `/v2/handles/${HANDLE}/campaigns`, { rawBody: '{"goalType": ', headers: { 'x-request-id': 'int-bad-json' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 'malformed_json');
    expect(res.headers.get('x-request-id')).toBe('int-bad-json');
  });

  it('turns a service rpcFail(404, campaign_not_found) into a 404 in the envelope, echoing X-Request-ID', async () => {
    const res = await call('GET', `/v2/handles/${HANDLE}/campaigns/no-such-campaign/health`, { headers: { 'x-request-id': 'int-404' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      success: false,
      error: 'campaign_not_found',
      message: 'Campaign no-such-campaign not found',
      meta: { timestamp: expect.any(String), requestId: 'int-404' },
    });
    expect(res.headers.get('x-request-id')).toBe('int-404');
  });

  it('passes other service failures through with their status and code', async () => {
    const res = await call('POST', `/v2/handles/${HANDLE}/campaigns`, { body: { campaignId: 'taken-already', goalType: 'LEAD_CAPTURE' } });
    expect(res.status).toBe(409);
    expectEnvelope(res.body, 'campaign_conflict');
  });

  it('answers the funnel for a known campaign and campaign_not_found for an unknown one', async () => {
    const ok = await call('GET', `/v2/handles/${HANDLE}/analytics?funnel=true&campaignId=spring-launch`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ funnel: [] });
    expect(received).toContainEqual(expect.objectContaining({ handle: HANDLE, body: { campaignId: 'spring-launch' }, params: {} }));

    const missing = await call('GET', `/v2/handles/${HANDLE}/analytics?funnel=true&campaignId=ghost-campaign`);
    expect(missing.status).toBe(404);
    expectEnvelope(missing.body, 'campaign_not_found');
  });

  it("answers 404 to a token for another handle and never forwards the request", async () => {
    const before = received.length;
    const res = await call('GET', `/v2/handles/${OTHER_HANDLE}/campaigns/spring-launch/health`, { auth: token('ADMIN', HANDLE) });
    expect(res.status).toBe(404);
    expectEnvelope(res.body, 'not_found');
    expect(received.length).toBe(before);
  });

  it('answers 403 to a VIEWER on a write (VIEWER may read)', async () => {
    const res = await call('POST', `/v2/handles/${HANDLE}/campaigns`, { body: { goalType: 'PRODUCT_SALE' }, auth: token('VIEWER') });
    expect(res.status).toBe(403);
    expectEnvelope(res.body, 'forbidden');
  });

  it('answers 404 in the envelope for an unknown route', async () => {
    const res = await call('GET', '/v2/nowhere', { headers: { 'x-request-id': 'int-unknown-route' } });
    expect(res.status).toBe(404);
    expectEnvelope(res.body, 'not_found');
    expect(res.headers.get('x-request-id')).toBe('int-unknown-route');
  });

  it('answers 504 upstream_timeout when the service does not reply in time', async () => {
    const res = await call('GET', `/v2/handles/${HANDLE}/campaigns/slow-campaign/health`);
    expect(res.status).toBe(504);
    expectEnvelope(res.body, 'upstream_timeout');
  });

  it('serves the OpenAPI document at /docs/openapi.json and the UI at /docs, without a token', async () => {
    const doc = await call('GET', '/docs/openapi.json', { auth: null });
    expect(doc.status).toBe(200);
    const paths = doc.body?.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v2/handles/{handle}/campaigns/{campaignId}/activate',
        '/v2/public/handles/{handle}/campaigns/{campaignId}',
        '/v2/handles/{handle}/personalization-rules/{ruleId}',
        '/v2/handles/{handle}/tokens',
      ]),
    );
    const schemas = (doc.body?.components as { schemas: Record<string, { properties?: Record<string, unknown> }> }).schemas;
    expect(Object.keys(schemas.CreateCampaignBody.properties ?? {})).toContain('goalType');
    const ui = await fetch(`${baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('reports Kafka on GET /health without a token', async () => {
    const res = await call('GET', '/health', { auth: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', service: 'gateway', dependencies: { kafka: { status: 'up' }, 'rpc-replies': { status: 'up' } } });
  });
});
