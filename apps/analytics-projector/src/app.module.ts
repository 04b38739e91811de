import { DynamicModule, Module } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { ClickHouse, clickHouseHealthCheck } from '@funnel/clickhouse';
import { parseBrokers } from '@funnel/kafka';
import { HEALTH_CHECKS, HealthCheck, HealthController, SERVICE_NAME } from '@funnel/observability';
import { CoreModule } from './core/core.module';
import { CLICKHOUSE, PROJECTOR_OPTIONS, ProjectorOptions, SERVICE } from './core/projector-options';
import { FunnelModule } from './funnel/funnel.module';
import { AnalyticsEventsConsumer } from './ingest/analytics-events.consumer';
import { IngestModule } from './ingest/ingest.module';

/** GET /health: the broker answers and the event consumer runs; ClickHouse answers SELECT 1 in our database. */
function healthChecks(options: ProjectorOptions, clickhouse: ClickHouse, consumer: AnalyticsEventsConsumer): HealthCheck[] {
  // No retries: a probe should report a down broker, not wait it out.
  const kafka = new Kafka({
    clientId: `${SERVICE}-health`,
    brokers: parseBrokers(options.env.KAFKA_BROKERS),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  return [
    {
      name: 'kafka',
      check: async () => {
        connected ??= admin.connect().catch((e: Error) => {
          connected = undefined;
          throw e;
        });
        await connected;
        await admin.describeCluster();
        if (!consumer.isRunning) throw new Error('the event consumer is not running');
      },
    },
    clickHouseHealthCheck(clickhouse),
  ];
}

@Module({})
export class AppModule {
  static register(options: ProjectorOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(options), IngestModule, FunnelModule],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_NAME, useValue: SERVICE },
        { provide: HEALTH_CHECKS, inject: [PROJECTOR_OPTIONS, CLICKHOUSE, AnalyticsEventsConsumer], useFactory: healthChecks },
      ],
    };
  }
}
