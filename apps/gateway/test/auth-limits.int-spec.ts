import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { getInfra, uniqueId } from '@funnel/testing';
import { AuthFailureLimiter } from '../src/auth/auth-failure-limiter';
import { createRedisClient } from '../src/platform/redis/redis.client';
import { FakeOwnerState, GatewayUnderTest, get, jwtFor, newPat, REDIS_URL, startFakeOwner, startGateway, waitUntilAnswering } from './auth-harness';

/**
 * The guard's defences against unauthenticated load, against the real Redis and Kafka: failed
 * authentications counted per address across gateway instances, unknown PATs looked up once,
 * the credential type taken from the matched route, and a gateway without Redis still limiting.
 */
const HANDLE = uniqueId('authlim');
const LIMIT = 5;
const quiet = { warn: () => undefined, log: () => undefined };

let owner: INestMicroservice;
let state: FakeOwnerState;
let first: GatewayUnderTest;
let second: GatewayUnderTest;
let withoutRedis: GatewayUnderTest;
const redisClients: Redis[] = [];

beforeAll(async () => {
  const { kafkaBrokers } = await getInfra();
  ({ owner, state } = await startFakeOwner(kafkaBrokers));
  const keyPrefix = `${uniqueId('auth-limits')}:`;
  const limits = { AUTH_FAILURE_LIMIT: String(LIMIT), AUTH_FAILURE_WINDOW_SECONDS: '60' };
  [first, second, withoutRedis] = await Promise.all([
    startGateway(kafkaBrokers, keyPrefix, limits),
    startGateway(kafkaBrokers, keyPrefix, limits),
    // Nothing listens on port 1: Redis is down for this instance from the start.
    startGateway(kafkaBrokers, keyPrefix, { ...limits, REDIS_URL: 'redis://127.0.0.1:1' }),
  ]);
  await Promise.all([first, second, withoutRedis].map((g) => waitUntilAnswering(g.baseUrl, HANDLE)));
});

afterAll(async () => {
  for (const client of redisClients) client.disconnect();
  await Promise.all([first, second, withoutRedis].map((g) => g?.app.close()));
  await owner?.close();
});

const publicCampaigns = `/v2/public/handles/${HANDLE}/campaigns`;
const jwtCampaigns = `/v2/handles/${HANDLE}/campaigns`;

describe('failed authentications limited per address, shared through Redis', () => {
  it('two limiters on the same Redis share one count: the second sees the first one\'s failures', async () => {
    const keyPrefix = `${uniqueId('limiter-pair')}:`;
    const limiter = () => {
      const client = createRedisClient(REDIS_URL, quiet);
      redisClients.push(client);
      const store = new RateLimiterRedis({ storeClient: client, keyPrefix, points: LIMIT, duration: 60, rejectIfRedisNotReady: true });
      return new AuthFailureLimiter(store, { limit: LIMIT, windowSeconds: 60, logger: quiet });
    };
    const [a, b] = [limiter(), limiter()];
    await Promise.all(redisClients.slice(-2).map((c) => new Promise((resolve) => (c.status === 'ready' ? resolve(null) : c.once('ready', resolve)))));
    for (let i = 0; i < LIMIT - 1; i++) expect((await a.recordFailure('203.0.113.50')).limited).toBe(false);
    expect(await b.check('203.0.113.50')).toEqual({ limited: false, retryAfterSeconds: 0 });
    expect((await b.recordFailure('203.0.113.50')).limited).toBe(false);
    const over = await b.recordFailure('203.0.113.50');
    expect(over.limited).toBe(true);
    expect(over.retryAfterSeconds).toBeGreaterThan(50);
    expect((await a.check('203.0.113.50')).limited).toBe(true);
    expect((await a.check('203.0.113.51')).limited).toBe(false);
    expect([a.state(), b.state()]).toEqual([{ mode: 'shared' }, { mode: 'shared' }]);
  });

  it('an address that failed on one gateway instance gets 429 with Retry-After on another, without a lookup', async () => {
    const from = '203.0.113.10';
    for (let i = 0; i < LIMIT; i++) {
      const res = await get(first.baseUrl, publicCampaigns, { token: `fnl_pat_guess${i}`, from });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, error: 'invalid_token' });
    }
    const valid = newPat();
    state.validPats.set(valid, { tokenId: 'tok_limits', handle: HANDLE, scopes: ['campaigns.read'] });
    const lookups = state.tokenLookups;
    const limited = await get(second.baseUrl, publicCampaigns, { token: valid, from });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, error: 'rate_limited', meta: { requestId: expect.any(String) } });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(state.tokenLookups).toBe(lookups);

    // Another address is untouched; a valid JWT from the limited address is verified locally and passes.
    expect((await get(second.baseUrl, publicCampaigns, { token: valid, from: '203.0.113.11' })).status).toBe(200);
    expect((await get(first.baseUrl, jwtCampaigns, { token: jwtFor(HANDLE), from })).status).toBe(200);
  });

  it('shows Redis up on /health', async () => {
    const health = await get(first.baseUrl, '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', dependencies: { redis: { status: 'up' }, 'auth-limiter': { status: 'up' } } });
  });
});

describe('without Redis', () => {
  it('keeps serving, limits failures per instance, and says so on /health (200, degraded)', async () => {
    const before = await get(withoutRedis.baseUrl, '/health');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: 'degraded', dependencies: { redis: { status: 'down' }, kafka: { status: 'up' } } });

    expect((await get(withoutRedis.baseUrl, jwtCampaigns, { token: jwtFor(HANDLE), from: '203.0.113.20' })).status).toBe(200);
    for (let i = 0; i < LIMIT; i++) expect((await get(withoutRedis.baseUrl, publicCampaigns, { token: 'fnl_pat_x', from: '203.0.113.20' })).status).toBe(401);
    const limited = await get(withoutRedis.baseUrl, publicCampaigns, { token: 'fnl_pat_x', from: '203.0.113.20' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);

    const after = await get(withoutRedis.baseUrl, '/health');
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ status: 'degraded', dependencies: { 'auth-limiter': { status: 'down', error: expect.stringContaining('per instance') } } });
  });
});

describe('PAT lookups', () => {
  it('refuses a malformed PAT without a lookup', async () => {
    const lookups = state.tokenLookups;
    for (const token of ['fnl_pat_', `fnl_pat_${'a'.repeat(44)}`, `fnl_pat_${'a'.repeat(42)}+`]) {
      const res = await get(first.baseUrl, publicCampaigns, { token, from: '203.0.113.30' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_token' });
    }
    expect(state.tokenLookups).toBe(lookups);
  });

  it('looks an unknown PAT up once per instance, and a revoked one is refused on the very next request', async () => {
    const unknown = newPat();
    const lookups = state.tokenLookups;
    expect((await get(first.baseUrl, publicCampaigns, { token: unknown, from: '203.0.113.31' })).status).toBe(401);
    expect((await get(first.baseUrl, publicCampaigns, { token: unknown, from: '203.0.113.32' })).status).toBe(401);
    expect(state.tokenLookups).toBe(lookups + 1);

    const revokedSoon = newPat();
    state.validPats.set(revokedSoon, { tokenId: 'tok_revoked', handle: HANDLE, scopes: ['campaigns.read'] });
    expect((await get(first.baseUrl, publicCampaigns, { token: revokedSoon, from: '203.0.113.33' })).status).toBe(200);
    expect((await get(first.baseUrl, publicCampaigns, { token: revokedSoon, from: '203.0.113.33' })).status).toBe(200);
    state.validPats.delete(revokedSoon);
    const refused = await get(first.baseUrl, publicCampaigns, { token: revokedSoon, from: '203.0.113.33' });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'invalid_token' });
  });
});

describe('credential type by the matched route', () => {
  it('treats /v2/%70ublic/... as the PAT route it is: a JWT is refused there, a PAT accepted', async () => {
    const encoded = `/v2/%70ublic/handles/${HANDLE}/campaigns`;
    const jwt = await get(first.baseUrl, encoded, { token: jwtFor(HANDLE, 'ADMIN'), from: '203.0.113.40' });
    expect(jwt.status).toBe(401);
    expect(jwt.body).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('personal access token') });
    const pat = newPat();
    state.validPats.set(pat, { tokenId: 'tok_encoded', handle: HANDLE, scopes: ['campaigns.read'] });
    expect((await get(first.baseUrl, encoded, { token: pat, from: '203.0.113.40' })).status).toBe(200);
  });

  it('refuses a PAT on the JWT spelling of a route, however it is encoded, without a lookup', async () => {
    const pat = newPat();
    state.validPats.set(pat, { tokenId: 'tok_jwt_route', handle: HANDLE, scopes: ['campaigns.read'] });
    const lookups = state.tokenLookups;
    for (const path of [jwtCampaigns, `/v2/%68andles/${HANDLE}/campaigns`]) {
      expect((await get(first.baseUrl, path, { token: pat, from: '203.0.113.41' })).status).toBe(401);
    }
    expect(state.tokenLookups).toBe(lookups);
  });
});
