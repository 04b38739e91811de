import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { GatewayEnv } from '@funnel/config';
import { Redis } from 'ioredis';
import type { HealthCheck } from '@funnel/observability';
import { GATEWAY_ENV } from '../gateway.options';

/** A limit check waits at most this long for Redis before the limiter counts in memory instead. */
export const REDIS_COMMAND_TIMEOUT_MS = 250;

/**
 * A connection for limits, which must never hold a request up: a command while disconnected
 * fails at once (no offline queue) and one that Redis does not answer in time fails after
 * REDIS_COMMAND_TIMEOUT_MS; the caller then decides (the auth limiter counts locally). The client
 * keeps reconnecting in the background; each loss and recovery is logged once.
 */
export function createRedisClient(url: string, logger: Pick<Logger, 'warn' | 'log'> = new Logger('redis')): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let lost = false;
  client.on('error', (e: Error) => {
    if (lost) return;
    lost = true;
    logger.warn({ event: 'redis_unavailable', error: e.message });
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.log({ event: 'redis_available' });
  });
  return client;
}

/** Redis answers a PING. */
export function redisHealthCheck(client: Redis, detail: string): HealthCheck {
  return {
    name: 'redis',
    critical: false,
    async check() {
      if (client.status !== 'ready') throw new Error(`connection ${client.status}; ${detail}`);
      await client.ping();
    },
  };
}

/** The gateway's one Redis connection (limits every instance shares; see docs/auth.md), closed on shutdown. */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(GATEWAY_ENV) env: Pick<GatewayEnv, 'REDIS_URL'>) {
    this.client = createRedisClient(env.REDIS_URL);
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
