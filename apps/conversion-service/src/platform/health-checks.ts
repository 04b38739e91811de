import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { HealthCheck } from '@funnel/observability';
import { Database } from './database';
import { KAFKA } from './kafka.providers';

/** The dependencies GET /health reports: this service's database and the Kafka cluster. */
@Injectable()
export class HealthChecks implements OnApplicationShutdown {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    @Inject(KAFKA) kafka: Kafka,
  ) {
    this.admin = kafka.admin();
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
          // One admin connection, opened on first use and reopened after a failure.
          this.connected ??= this.admin.connect().catch((e: Error) => {
            this.connected = undefined;
            throw e;
          });
          await this.connected;
          await this.admin.describeCluster();
        },
      },
    ];
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
  }
}
