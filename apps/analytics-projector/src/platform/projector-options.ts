import { ProjectorEnv } from '@funnel/config';
import type { ProjectedTopics } from '../ingest/use-cases/project-batch';

export const SERVICE = 'analytics-projector';

export interface ProjectorOptions {
  env: ProjectorEnv;
  /**
   * Consumer group of the event projection: PROJECTOR_GROUP_ID (the service name by default);
   * tests and benchmarks use their own so they never share partitions with a running projector.
   */
  groupId: string;
  /** Where the ClickHouse migration files are (default: found by `defaultMigrationsDir()`). */
  migrationsDir?: string;
  /** The topics projected (default: the platform's); a test or a benchmark may name its own. */
  topics?: ProjectedTopics;
}

export const PROJECTOR_OPTIONS = Symbol('PROJECTOR_OPTIONS');
/** The kafkajs client, created once every topic exists. */
export const KAFKA = Symbol('KAFKA');
/** The ClickHouse connection, handed out once the migrations have run. */
export const CLICKHOUSE = Symbol('CLICKHOUSE');
