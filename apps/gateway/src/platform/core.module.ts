import { DynamicModule, Global, Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { rpcClientTransport } from '@funnel/kafka';
import { AUTH_PROTECTION_PROVIDERS } from '../auth/auth-protection.providers';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import { AuthGuard } from '../auth/jwt-auth.guard';
import { NegativeTokenCache } from '../auth/negative-token-cache';
import { GATEWAY_ENV, GatewayOptions, RATE_LIMIT_KEY_PREFIX, RPC_TOPIC_PREFIX } from './gateway.options';
import { RedisConnection } from './redis/redis.client';
import { KAFKA_RPC_CLIENT, RpcClient } from './rpc/rpc.client';

/** What every feature module needs: the validated env, the guard (with its limiter on Redis) and the RPC client (one Kafka connection). */
@Global()
@Module({})
export class CoreModule {
  static register(options: GatewayOptions): DynamicModule {
    const { env, rpcGroupId = 'gateway', rpcTopicPrefix = '', rateLimitKeyPrefix = 'funnel:' } = options;
    return {
      module: CoreModule,
      imports: [ClientsModule.register([{ name: KAFKA_RPC_CLIENT, ...rpcClientTransport(env, 'gateway', rpcGroupId) }])],
      providers: [
        { provide: GATEWAY_ENV, useValue: env },
        { provide: RPC_TOPIC_PREFIX, useValue: rpcTopicPrefix },
        { provide: RATE_LIMIT_KEY_PREFIX, useValue: rateLimitKeyPrefix },
        RpcClient,
        ...AUTH_PROTECTION_PROVIDERS,
        AuthGuard,
      ],
      // The guard's own dependencies too: Nest builds a guard named in @UseGuards within each feature module.
      exports: [GATEWAY_ENV, RpcClient, AuthGuard, RedisConnection, AuthFailureLimiter, NegativeTokenCache],
    };
  }
}
