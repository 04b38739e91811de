import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ClickHouse, clickHouseHealthCheck } from '@funnel/clickhouse';
import { ClusterProbe, createProbeKafka } from '@funnel/kafka';
import { HealthCheck } from '@funnel/observability';
import { AnalyticsEventsConsumer } from '../ingest/analytics-events.consumer';
import { CLICKHOUSE, PROJECTOR_OPTIONS, ProjectorOptions, SERVICE } from './projector-options';

/**
 * What GET /health reports on: the broker answers and the event consumer runs; ClickHouse answers
 * SELECT 1 in the projector's database.
 */
@Injectable()
export class ProjectorHealthChecks implements OnApplicationShutdown {
  private readonly kafka: ClusterProbe;
  readonly checks: HealthCheck[];

  constructor(
    @Inject(PROJECTOR_OPTIONS) options: ProjectorOptions,
    @Inject(CLICKHOUSE) clickhouse: ClickHouse,
    consumer: AnalyticsEventsConsumer,
  ) {
    // No retries: a probe should report a down broker, not wait it out.
    this.kafka = new ClusterProbe(createProbeKafka(options.env, `${SERVICE}-health`));
    this.checks = [
      {
        name: 'kafka',
        check: async () => {
          await this.kafka.check();
          if (!consumer.isRunning) throw new Error('the event consumer is not running');
        },
      },
      clickHouseHealthCheck(clickhouse),
    ];
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafka.close();
  }
}
