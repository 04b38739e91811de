import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Client } from 'pg';
import { createThrowawayDatabase, poolConfigFromUrl, prismaMigrateDeploy, ThrowawayDatabase } from '@funnel/persistence';

/**
 * A throwaway database with a service's Prisma migrations applied, as `migrate deploy` applies
 * them, without running the Prisma CLI for every test file: the first caller migrates a template
 * database (named after a hash of the migrations, so a changed migration makes a new one), later
 * callers copy it with `CREATE DATABASE ... TEMPLATE`, which takes well under a second where the
 * CLI takes several. A PostgreSQL advisory lock keeps parallel test files from migrating twice.
 *
 * `serviceDir` holds prisma.config.ts (which reads the URL from `urlEnv`) and prisma/migrations.
 */
export async function createMigratedDatabase(serviceDir: string, urlEnv: string, serverUrl: string, prefix: string): Promise<ThrowawayDatabase> {
  const template = await ensureTemplate(serviceDir, urlEnv, serverUrl);
  const name = `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e9).toString(36)}`.toLowerCase();
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name: ${name}`);
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** On the maintenance database: a database cannot be created from, or dropped by, a session using it. */
async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ ...poolConfigFromUrl(serverUrl), database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** Changes whenever a migration file is added, removed or edited. */
function migrationsHash(serviceDir: string): string {
  const dir = join(serviceDir, 'prisma', 'migrations');
  const hash = createHash('sha256');
  for (const file of filesUnder(dir)) hash.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 12);
}

async function ensureTemplate(serviceDir: string, urlEnv: string, serverUrl: string): Promise<string> {
  const service = basename(serviceDir).replace(/[^a-z0-9]/g, '_');
  const family = `funnel_tpl_${service}_`;
  const template = `${family}${migrationsHash(serviceDir)}`;
  const admin = new Client({ ...poolConfigFromUrl(serverUrl), database: 'postgres' });
  await admin.connect();
  try {
    // Session lock: released on unlock or when the connection ends, so a killed run cannot keep it.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [family]);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (found.rowCount === 0) {
      // Migrated under another name and renamed when done: a template that exists is complete.
      const building = await createThrowawayDatabase(serverUrl, `${family}build`);
      try {
        await prismaMigrateDeploy(serviceDir, urlEnv, building.url);
        await admin.query(`ALTER DATABASE "${building.name}" RENAME TO "${template}"`);
      } catch (e) {
        await building.drop().catch(() => undefined);
        throw e;
      }
      // Templates of older migrations are of no further use.
      const old = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2', [`${family}%`, template]);
      for (const { datname } of old.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
    return template;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [family]).catch(() => undefined);
    await admin.end();
  }
}
