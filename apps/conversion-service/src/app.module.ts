import { DynamicModule, Module } from '@nestjs/common';
import { HEALTH_CHECKS, HealthController, SERVICE_NAME } from '@funnel/observability';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ClicksModule } from './clicks/clicks.module';
import { ConversionsModule } from './conversions/conversions.module';
import { HealthChecks } from './platform/health-checks';
import { InfraModule } from './platform/infra.module';
import { ConversionServiceOptions, SERVICE } from './platform/service-options';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static register(options: ConversionServiceOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(options), CampaignsModule, ConversionsModule, ClicksModule, WebhooksModule],
      controllers: [HealthController],
      providers: [
        HealthChecks,
        { provide: SERVICE_NAME, useValue: SERVICE },
        { provide: HEALTH_CHECKS, inject: [HealthChecks], useFactory: (checks: HealthChecks) => checks.all() },
      ],
    };
  }
}
