import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { GatewayEnv } from '@funnel/config';
import { HEALTH_CHECKS, HealthController, SERVICE_NAME } from '@funnel/observability';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuthFailureLimiter } from './auth/auth-failure-limiter';
import { authLimiterHealthCheck } from './auth/auth-protection.providers';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ConversionsModule } from './conversions/conversions.module';
import { CoreModule } from './platform/core.module';
import { GATEWAY_ENV, GatewayOptions } from './platform/gateway.options';
import { ErrorEnvelopeFilter } from './platform/http/error-envelope.filter';
import { GatewayValidationPipe } from './platform/http/validation';
import { LinksModule } from './links/links.module';
import { RedisConnection, redisHealthCheck } from './platform/redis/redis.client';
import { kafkaHealthCheck, rpcRepliesHealthCheck } from './platform/rpc/kafka.health';
import { RpcClient } from './platform/rpc/rpc.client';
import { RulesModule } from './rules/rules.module';
import { TokensModule } from './tokens/tokens.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static register(options: GatewayOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.register(options), CampaignsModule, LinksModule, ConversionsModule, WebhooksModule, AnalyticsModule, RulesModule, TokensModule],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_NAME, useValue: 'gateway' },
        {
          provide: HEALTH_CHECKS,
          inject: [GATEWAY_ENV, RpcClient, RedisConnection, AuthFailureLimiter],
          useFactory: (env: GatewayEnv, rpc: RpcClient, redis: RedisConnection, limiter: AuthFailureLimiter) => [
            kafkaHealthCheck(env),
            rpcRepliesHealthCheck(rpc),
            // Without Redis the gateway still serves (the limit is counted per instance): shown, not 503.
            redisHealthCheck(redis.client, 'failed authentications are limited per instance meanwhile'),
            authLimiterHealthCheck(limiter),
          ],
        },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
        { provide: APP_PIPE, useClass: GatewayValidationPipe },
      ],
    };
  }
}
