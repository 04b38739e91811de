import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { ClickHouse, clickHouseHealthCheck } from '@funnel/clickhouse';
import { createProbeKafka } from '@funnel/kafka';
import { HealthCheck } from '@funnel/observability';
import { AnalyticsEventsConsumer } from '../ingest/analytics-events.consumer';
import { CLICKHOUSE, PROJECTOR_OPTIONS, ProjectorOptions, SERVICE } from './projector-options';

/**
 * What GET /health reports on: the broker answers and the event consumer runs; ClickHouse answers
 * SELECT 1 in the projector's database.
 */
@Injectable()
export class ProjectorHealthChecks implements OnApplicationShutdown {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;
  readonly checks: HealthCheck[];

  constructor(
    @Inject(PROJECTOR_OPTIONS) options: ProjectorOptions,
    @Inject(CLICKHOUSE) clickhouse: ClickHouse,
    consumer: AnalyticsEventsConsumer,
  ) {
    // No retries: a probe should report a down broker, not wait it out.
    this.admin = createProbeKafka(options.env, `${SERVICE}-health`).admin();
    this.checks = [
      {
        name: 'kafka',
        check: async () => {
          this.connected ??= this.admin.connect().catch((e: Error) => {
            this.connected = undefined;
            throw e;
          });
          await this.connected;
          await this.admin.describeCluster();
          if (!consumer.isRunning) throw new Error('the event consumer is not running');
        },
      },
      clickHouseHealthCheck(clickhouse),
    ];
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
  }
}
