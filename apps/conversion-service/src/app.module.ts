import { DynamicModule, Module } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { HEALTH_CHECKS, HealthCheck, HealthController, SERVICE_NAME } from '@funnel/observability';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ClicksModule } from './clicks/clicks.module';
import { ConversionsModule } from './conversions/conversions.module';
import { Database } from './infra/database';
import { InfraModule } from './infra/infra.module';
import { KAFKA } from './infra/kafka.providers';
import { ConversionServiceOptions, SERVICE } from './infra/service-options';
import { WebhooksModule } from './webhooks/webhooks.module';

function healthChecks(db: Database, kafka: Kafka): HealthCheck[] {
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  return [
    {
      name: 'postgres',
      check: async () => {
        await db.$queryRaw`SELECT 1`;
      },
    },
    {
      name: 'kafka',
      check: async () => {
        connected ??= admin.connect().catch((e: Error) => {
          connected = undefined;
          throw e;
        });
        await connected;
        await admin.describeCluster();
      },
    },
  ];
}

@Module({})
export class AppModule {
  static register(options: ConversionServiceOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(options), CampaignsModule, ConversionsModule, ClicksModule, WebhooksModule],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_NAME, useValue: SERVICE },
        { provide: HEALTH_CHECKS, inject: [Database, KAFKA], useFactory: healthChecks },
      ],
    };
  }
}
