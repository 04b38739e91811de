/**
 * Creates the Kafka topics and applies the ClickHouse migrations (deploy/migrate.sh also runs
 * each service's Prisma migrations). Idempotent.
 */
import { ClickHouseEnv, loadConfig } from '@funnel/config';
import { createClickHouse, defaultMigrationsDir, runClickHouseMigrations } from '@funnel/clickhouse';
import { createKafka, ensureTopics } from '@funnel/kafka';

async function main(): Promise<void> {
  const env = loadConfig(ClickHouseEnv);
  const changed = await ensureTopics(createKafka(env, 'funnel-migrate'));
  console.error(`[funnel] migrate: kafka topics ready (${changed.length} created or given more partitions)`);
  const clickhouse = createClickHouse(env);
  try {
    await runClickHouseMigrations(clickhouse, {
      database: env.CLICKHOUSE_DATABASE,
      dir: defaultMigrationsDir(),
      log: (line: string) => console.error(`[funnel] migrate: clickhouse ${line}`),
    });
  } finally {
    await clickhouse.close();
  }
}

main().catch((e: Error) => {
  console.error(`[funnel] migrate failed: ${e.message}`);
  process.exit(1);
});
