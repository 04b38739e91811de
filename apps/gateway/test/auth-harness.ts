import 'reflect-metadata';
import { Controller, INestApplication, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, MicroserviceOptions, Payload } from '@nestjs/microservices';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { GatewayEnv, loadConfig } from '@funnel/config';
import { RPC, rpcFail, rpcOk, RpcReply, RpcRequest, VerifiedToken } from '@funnel/contracts';
import { hashPat, signDevToken } from '@funnel/auth';
import { createKafka, rpcTransport } from '@funnel/kafka';
import { bootstrapService } from '@funnel/observability';
import { ensurePrefixedRpcTopics, PrefixedServerKafka, TEST_WEBHOOK_SECRET_KEYS, uniqueId, waitFor } from '@funnel/testing';
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

/** What the stand-in owner knows and has seen; valid PATs are set by token and looked up by their hash, as the campaign-service does. */
export class FakeOwnerState {
  readonly validPats = new Map<string, VerifiedToken>();
  byHash(tokenHash: string): VerifiedToken | undefined {
    for (const [pat, verified] of this.validPats) if (hashPat(pat) === tokenHash) return verified;
    return undefined;
  }
  tokenLookups = 0;
  campaignLists = 0;
}

const state = new FakeOwnerState();

@Controller()
class FakeOwner {
  @MessagePattern(RPC.tokenVerify)
  verify(@Payload() request: RpcRequest<{ tokenHash?: string }>): RpcReply<VerifiedToken> {
    state.tokenLookups++;
    const found = typeof request.body?.tokenHash === 'string' ? state.byHash(request.body.tokenHash) : undefined;
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


export async function startFakeOwner(brokers: string): Promise<{ state: FakeOwnerState; owner: INestMicroservice }> {
  await ensurePrefixedRpcTopics(createKafka({ KAFKA_BROKERS: brokers }, 'gateway-auth-test-admin'), RPC_PREFIX);
  const owner = await NestFactory.createMicroservice<MicroserviceOptions>(FakeOwnerModule, {
    strategy: new PrefixedServerKafka(RPC_PREFIX, rpcTransport({ KAFKA_BROKERS: brokers }, 'gateway-auth-owner', uniqueId('gateway-auth-owner')).options ?? {}),
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
    WEBHOOK_SECRET_KEYS: TEST_WEBHOOK_SECRET_KEYS,
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
