import type { Provider } from '@nestjs/common';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { GatewayEnv } from '@funnel/config';
import type { HealthCheck } from '@funnel/observability';
import { GATEWAY_ENV, RATE_LIMIT_KEY_PREFIX } from '../platform/gateway.options';
import { RedisConnection } from '../platform/redis/redis.client';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { NegativeTokenCache } from './negative-token-cache';

/** The guard's defences against unauthenticated load (docs/auth.md, "Failed authentications"). */
export const AUTH_PROTECTION_PROVIDERS: Provider[] = [
  RedisConnection,
  {
    provide: AuthFailureLimiter,
    inject: [GATEWAY_ENV, RedisConnection, RATE_LIMIT_KEY_PREFIX],
    useFactory: (env: GatewayEnv, redis: RedisConnection, keyPrefix: string) =>
      new AuthFailureLimiter(
        new RateLimiterRedis({
          storeClient: redis.client,
          keyPrefix: `${keyPrefix}auth-failures`,
          points: env.AUTH_FAILURE_LIMIT,
          duration: env.AUTH_FAILURE_WINDOW_SECONDS,
          // Disconnected: fail at once, so the limiter counts in memory instead of waiting.
          rejectIfRedisNotReady: true,
        }),
        { limit: env.AUTH_FAILURE_LIMIT, windowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS },
      ),
  },
  {
    provide: NegativeTokenCache,
    inject: [GATEWAY_ENV],
    useFactory: (env: GatewayEnv) => new NegativeTokenCache(env.PAT_NEGATIVE_CACHE_MAX_ENTRIES, env.PAT_NEGATIVE_CACHE_TTL_MS),
  },
];

/** Shown on /health without taking the instance out of rotation: the limit still holds, per instance. */
export function authLimiterHealthCheck(limiter: AuthFailureLimiter): HealthCheck {
  return {
    name: 'auth-limiter',
    critical: false,
    async check() {
      const state = limiter.state();
      if (state.mode === 'local') throw new Error(`failed authentications counted per instance (shared store failed: ${state.error})`);
    },
  };
}
