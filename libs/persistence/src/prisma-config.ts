/**
 * Prisma CLI configuration shared by every service that owns a PostgreSQL database.
 * Prisma 6.19.3 runs migrations on its WebAssembly schema engine through @prisma/adapter-pg,
 * so nothing is downloaded at run time (docs/decisions.md). Three adapter bugs are worked
 * around here; they affect only the CLI process that loads the config.
 *
 * Imported by relative path from each app's prisma.config.ts (the CLI does not know our aliases).
 */
import { randomUUID } from 'node:crypto';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import type { PoolConfig } from 'pg';
import { poolConfigFromUrl } from './prisma-config-url';

let pgPatched = false;

/**
 * Fix 1: adapter-pg 6.x rejects Postgres `name` (OID 19) and `"char"` (OID 18) columns that the
 * schema engine reads from pg_catalog. Report them as text (OID 25).
 */
function patchPgNameColumns(): void {
  if (pgPatched) return;
  pgPatched = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Result = require('pg/lib/result.js') as { prototype: { addFields(fields: Array<{ dataTypeID: number }>): unknown } };
  const original = Result.prototype.addFields;
  Result.prototype.addFields = function (fields: Array<{ dataTypeID: number }>) {
    for (const f of fields) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
    return original.call(this, fields);
  };
}

/** Fix 3: close the shadow pool before dropping the shadow database. */
class MigratePg extends PrismaPg {
  constructor(private readonly pgConfig: PoolConfig) {
    super(pgConfig);
  }

  override async connectToShadowDb() {
    const admin = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg({ ...this.pgConfig, database }).connect();
    const close = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await close();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      await admin.dispose();
    };
    return shadow;
  }
}

export interface ServicePrismaConfig {
  /** Environment variable holding the service's database URL. */
  urlEnv: string;
  defaultUrl: string;
  schema: string;
  migrations: string;
}

export function defineServicePrismaConfig(config: ServicePrismaConfig) {
  patchPgNameColumns();
  const url = process.env[config.urlEnv] || config.defaultUrl;
  // The schema's datasource reads DATABASE_URL; point it at this service's database.
  process.env.DATABASE_URL = url;
  return defineConfig({
    experimental: { adapter: true },
    engine: 'js',
    async adapter() {
      return new MigratePg(poolConfigFromUrl(url));
    },
    schema: config.schema,
    migrations: { path: config.migrations },
  });
}
