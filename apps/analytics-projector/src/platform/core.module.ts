import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { ClickHouse, createClickHouse, defaultMigrationsDir, runClickHouseMigrations } from '@funnel/clickhouse';
import { createKafka, ensureTopics } from '@funnel/kafka';
import { CLICKHOUSE, KAFKA, PROJECTOR_OPTIONS, ProjectorOptions, SERVICE } from './projector-options';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Boot waits a while for ClickHouse (the stack may start it alongside the services), then gives up
 * so a misconfiguration is reported instead of hanging. Migrations are idempotent, so retrying is safe.
 */
async function migrateWithRetry(clickhouse: ClickHouse, options: ProjectorOptions, logger: Logger): Promise<void> {
  const dir = options.migrationsDir ?? defaultMigrationsDir();
  const deadline = Date.now() + 60_000;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5000)) {
    try {
      const applied = await runClickHouseMigrations(clickhouse, {
        database: options.env.CLICKHOUSE_DATABASE,
        dir,
        log: { log: (line) => logger.log(line), warn: (line) => logger.warn(line) },
      });
      logger.log(`ClickHouse schema up to date (${applied.length} migration(s) applied now)`);
      return;
    } catch (e) {
      // A changed migration file will not fix itself: stop at once.
      if ((e as Error).name === 'MigrationError' || Date.now() + delay > deadline) throw e;
      logger.warn(`ClickHouse migrations failed, retrying in ${delay} ms: ${(e as Error).message}`);
      await sleep(delay);
    }
  }
}

/** Closes the ClickHouse connection pool last, after consumers and RPC handlers have stopped. */
@Injectable()
class ClickHouseCloser implements OnApplicationShutdown {
  constructor(@Inject(CLICKHOUSE) private readonly clickhouse: ClickHouse) {}

  async onApplicationShutdown(): Promise<void> {
    await this.clickhouse.close();
  }
}

/** Options, the Kafka client (topics ensured) and ClickHouse (schema migrated), for every feature. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: ProjectorOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: PROJECTOR_OPTIONS, useValue: options },
      {
        provide: KAFKA,
        useFactory: async (): Promise<Kafka> => {
          const kafka = createKafka(options.env, SERVICE);
          // Before anything subscribes: the consumer does not auto-create topics.
          await ensureTopics(kafka);
          return kafka;
        },
      },
      {
        provide: CLICKHOUSE,
        useFactory: async (): Promise<ClickHouse> => {
          const clickhouse = createClickHouse(options.env, SERVICE);
          await migrateWithRetry(clickhouse, options, new Logger('ClickHouseMigrations'));
          return clickhouse;
        },
      },
      ClickHouseCloser,
    ];
    return { module: CoreModule, providers, exports: [PROJECTOR_OPTIONS, KAFKA, CLICKHOUSE] };
  }
}
