import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { ClusterProbe } from '@funnel/kafka';
import { HealthCheck } from '@funnel/observability';
import { Database } from './database';
import { KAFKA } from './kafka.providers';

/** The dependencies GET /health reports: this service's database and the Kafka cluster. */
@Injectable()
export class HealthChecks implements OnApplicationShutdown {
  private readonly kafka: ClusterProbe;

  constructor(
    private readonly db: Database,
    @Inject(KAFKA) kafka: Kafka,
  ) {
    this.kafka = new ClusterProbe(kafka);
  }

  all(): HealthCheck[] {
    return [
      {
        name: 'postgres',
        check: async () => {
          await this.db.$queryRaw`SELECT 1`;
        },
      },
      {
        name: 'kafka',
        check: async () => {
          await this.kafka.check();
        },
      },
    ];
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafka.close();
  }
}
