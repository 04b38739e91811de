import 'reflect-metadata';
import { Controller, INestApplication, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageHandler, MessagePattern, MicroserviceOptions, Payload, ServerKafka } from '@nestjs/microservices';
import type { KafkaOptions } from '@nestjs/microservices';
import { Kafka, logLevel } from 'kafkajs';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { GatewayEnv, loadConfig } from '@funnel/config';
import { RPC, RPC_TOPICS, rpcFail, rpcOk, RpcReply, RpcRequest, VerifiedToken } from '@funnel/contracts';
import { signDevToken } from '@funnel/auth';
import { parseBrokers, rpcTransport } from '@funnel/kafka';
import { bootstrapService } from '@funnel/observability';
import { uniqueId, waitFor } from '@funnel/testing';
import { AppModule } from '../src/app.module';
import { configureHttp } from '../src/platform/http/http-setup';

/**
 * Gateways booted in-process on RPC topics of their own, with a stand-in for the campaign-service
 * that answers tokenVerify (and a campaign list) and counts every lookup it is asked for. Tests of
 * the guard's defences against unauthenticated load use it (auth-limits, fake-pat-flood).
 */
export const JWT_SECRET = 'gateway-auth-test-secret-0123456789';
/** Fixed, so repeated runs reuse the same few topics; consumer groups are per run. */
export const RPC_PREFIX = 'funnel-test.gateway-auth.';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const newPat = () => `fnl_pat_${randomBytes(32).toString('base64url')}`;
export const jwtFor = (handle: string, role: 'VIEWER' | 'CREATOR' | 'ADMIN' = 'VIEWER') =>
  signDevToken({ sub: 'user-auth-test', handle, role, secret: JWT_SECRET, expiresIn: '30m' });

class PrefixedServer extends ServerKafka {
  constructor(
    private readonly prefix: string,
    options: Required<KafkaOptions>['options'],
  ) {
    super(options);
  }

  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    super.addHandler(typeof pattern === 'string' ? `${this.prefix}${pattern}` : pattern, callback, isEventHandler, extras);
  }
}

/** What the stand-in owner knows and has seen. */
export class FakeOwnerState {
  readonly validPats = new Map<string, VerifiedToken>();
  tokenLookups = 0;
  campaignLists = 0;
}

const state = new FakeOwnerState();

@Controller()
class FakeOwner {
  @MessagePattern(RPC.tokenVerify)
  verify(@Payload() request: RpcRequest<{ token?: string }>): RpcReply<VerifiedToken> {
    state.tokenLookups++;
    const found = typeof request.body?.token === 'string' ? state.validPats.get(request.body.token) : undefined;
    return found ? rpcOk(found) : rpcFail(401, 'invalid_token', 'The access token is invalid, expired or revoked.');
  }

  @MessagePattern(RPC.campaignList)
  list(): RpcReply<{ campaigns: never[]; nextCursor: null }> {
    state.campaignLists++;
    return rpcOk({ campaigns: [], nextCursor: null });
  }
}

@Module({ controllers: [FakeOwner] })
class FakeOwnerModule {}

async function ensurePrefixedTopics(brokers: string): Promise<void> {
  const admin = new Kafka({ clientId: 'gateway-auth-test-admin', brokers: parseBrokers(brokers), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = RPC_TOPICS.map((t) => `${RPC_PREFIX}${t}`).filter((t) => !existing.has(t));
    if (missing.length) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function startFakeOwner(brokers: string): Promise<{ state: FakeOwnerState; owner: INestMicroservice }> {
  await ensurePrefixedTopics(brokers);
  const owner = await NestFactory.createMicroservice<MicroserviceOptions>(FakeOwnerModule, {
    strategy: new PrefixedServer(RPC_PREFIX, rpcTransport(brokers, 'gateway-auth-owner', uniqueId('gateway-auth-owner')).options ?? {}),
    logger: ['error'],
  });
  await owner.listen();
  return { state, owner };
}

export interface GatewayUnderTest {
  app: INestApplication;
  baseUrl: string;
}

/**
 * One gateway instance. It believes X-Forwarded-For from loopback (TRUSTED_PROXIES), so a test
 * can speak as several client addresses; `keyPrefix` is the Redis namespace of its limits.
 */
export async function startGateway(brokers: string, keyPrefix: string, overrides: Record<string, string> = {}): Promise<GatewayUnderTest> {
  const env = loadConfig(GatewayEnv, {
    JWT_SECRET,
    KAFKA_BROKERS: brokers,
    RPC_TIMEOUT_MS: '8000',
    LOG_LEVEL: 'warn',
    TRUSTED_PROXIES: '127.0.0.1',
    REDIS_URL,
    ...overrides,
  });
  @Module({ imports: [AppModule.register({ env, rpcGroupId: uniqueId('gateway-auth-test'), rpcTopicPrefix: RPC_PREFIX, rateLimitKeyPrefix: keyPrefix })] })
  class GatewayModule {}
  const app = await bootstrapService({ service: 'gateway-auth-test', module: GatewayModule, port: 0, trustedProxies: env.TRUSTED_PROXIES, configure: configureHttp });
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return { app, baseUrl };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | null;
  ms: number;
}

export async function get(baseUrl: string, path: string, options: { token?: string; from?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.from) headers['x-forwarded-for'] = options.from;
  const started = performance.now();
  const res = await fetch(`${baseUrl}${path}`, { headers });
  const text = await res.text();
  const ms = performance.now() - started;
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null, ms };
}

/** Waits until the stand-in owner answers through this gateway (its consumer group has joined). */
export async function waitUntilAnswering(baseUrl: string, handle: string): Promise<void> {
  await waitFor(
    () => get(baseUrl, `/v2/handles/${handle}/campaigns`, { token: jwtFor(handle) }),
    (r) => r.status === 200,
    { timeoutMs: 60000, intervalMs: 500, what: 'the stand-in owner to answer through the gateway' },
  );
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
