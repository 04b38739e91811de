import { DynamicModule, Module } from '@nestjs/common';
import { HEALTH_CHECKS, HealthController, SERVICE_NAME } from '@funnel/observability';
import { AnalyticsModule } from './analytics/analytics.module';
import { CoreModule } from './platform/core.module';
import { ProjectorHealthChecks } from './platform/health-checks';
import { ProjectorOptions, SERVICE } from './platform/projector-options';
import { FunnelModule } from './funnel/funnel.module';
import { IngestModule } from './ingest/ingest.module';

@Module({})
export class AppModule {
  static register(options: ProjectorOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(options), IngestModule, FunnelModule, AnalyticsModule],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_NAME, useValue: SERVICE },
        ProjectorHealthChecks,
        { provide: HEALTH_CHECKS, inject: [ProjectorHealthChecks], useFactory: (health: ProjectorHealthChecks) => health.checks },
      ],
    };
  }
}
