import 'reflect-metadata';
import { INestApplication, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { GatewayEnv, loadConfig } from '@funnel/config';
import { rpcTransport } from '@funnel/kafka';
import { bootstrapService, jsonLogger } from '@funnel/observability';
import { signDevToken } from '@funnel/auth';
import { deletePrefixedRpcTopics, ensurePrefixedRpcTopics, PrefixedServerKafka, recordIssuedSecret, rpcTopicPrefix, TEST_WEBHOOK_SECRET_KEYS, uniqueId, waitFor } from '@funnel/testing';
// The control plane is two apps talking over Kafka; this harness boots both in one process, on
// RPC topics of their own, so the test exercises the real gateway and the real campaign-service.
// eslint-disable-next-line @nx/enforce-module-boundaries -- test harness only: boots the gateway beside this service
import { AppModule as GatewayAppModule } from '../../gateway/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test harness only
import { configureHttp } from '../../gateway/src/platform/http/http-setup';
import { AppModule } from '../src/app.module';
import { createTestBed, TEST_REDIRECT_BASE, TestBed } from './campaign-app';

export const JWT_SECRET = 'control-plane-test-secret-0123456789';
/** RPC topics of this run's own (deleted by close), so runs at the same time never answer each other. */
export const RPC_PREFIX = rpcTopicPrefix('control-plane');

export interface ControlPlane {
  bed: TestBed;
  baseUrl: string;
  service: INestMicroservice;
  gateway: INestApplication;
  close(): Promise<void>;
}

export type Role = 'VIEWER' | 'CREATOR' | 'ADMIN';

const recordedJwts = new Set<string>();

export function jwtFor(handle: string, role: Role, options: { secret?: string; expiresIn?: string | number } = {}): string {
  const jwt = signDevToken({ sub: `user-${role.toLowerCase()}`, handle, role, secret: options.secret ?? JWT_SECRET, expiresIn: options.expiresIn ?? '1h' });
  if (!recordedJwts.has(jwt)) {
    recordedJwts.add(jwt);
    recordIssuedSecret('jwt', jwt);
  }
  return jwt;
}

export interface Response<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  const parsed = (text ? JSON.parse(text) : null) as T;
  // Every secret the platform hands out is listed for the secret scan that runs after the test tiers.
  const issued = parsed as { token?: unknown; secret?: unknown } | null;
  if (typeof issued?.token === 'string' && issued.token.startsWith('fnl_pat_')) recordIssuedSecret('pat', issued.token);
  if (typeof issued?.secret === 'string' && issued.secret.startsWith('whsec_')) recordIssuedSecret('webhook-secret', issued.secret);
  return { status: res.status, headers: res.headers, body: parsed };
}

export async function startControlPlane(prefix: string): Promise<ControlPlane> {
  const bed = await createTestBed(prefix);
  await ensurePrefixedRpcTopics(bed.kafka, RPC_PREFIX);
  process.env.CAMPAIGN_DATABASE_URL = bed.db.url;
  process.env.KAFKA_BROKERS = bed.brokers;
  process.env.PUBLIC_REDIRECT_BASE_URL = TEST_REDIRECT_BASE;
  process.env.LOG_LEVEL ??= 'warn';

  const transport = rpcTransport({ KAFKA_BROKERS: bed.brokers }, 'campaign-service-test', uniqueId('campaign-service-test-')).options ?? {};
  const service = await NestFactory.createMicroservice(AppModule, {
    strategy: new PrefixedServerKafka(RPC_PREFIX, transport),
    logger: jsonLogger('campaign-service-test', 'warn'),
  });
  await service.listen();

  // The auth matrix fails authentication on purpose about a hundred times from one address: above the default limit.
  const env = loadConfig(GatewayEnv, {
    JWT_SECRET,
    KAFKA_BROKERS: bed.brokers,
    RPC_TIMEOUT_MS: '8000',
    LOG_LEVEL: 'warn',
    WEBHOOK_SECRET_KEYS: TEST_WEBHOOK_SECRET_KEYS,
    AUTH_FAILURE_LIMIT: '10000',
  });
  @Module({ imports: [GatewayAppModule.register({ env, rpcGroupId: uniqueId('gateway-test-'), rpcTopicPrefix: RPC_PREFIX, rateLimitKeyPrefix: `${uniqueId('control-plane-test')}:` })] })
  class GatewayUnderTest {}
  const gateway = await bootstrapService({ service: 'gateway-test', module: GatewayUnderTest, port: 0, configure: configureHttp });
  const baseUrl = `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`;

  // The service's consumer group has to join before it sees requests: wait for one round trip.
  const probe = uniqueId('probe');
  await waitFor(
    () => call(baseUrl, 'GET', `/v2/handles/${probe}/campaigns`, { token: jwtFor(probe, 'VIEWER') }),
    (r) => r.status === 200,
    { timeoutMs: 60000, intervalMs: 500, what: 'the campaign-service to answer through the gateway' },
  );

  return {
    bed,
    baseUrl,
    service,
    gateway,
    close: async () => {
      await gateway.close();
      await service.close();
      await deletePrefixedRpcTopics(bed.kafka, RPC_PREFIX).catch(() => undefined);
      await bed.close();
    },
  };
}
