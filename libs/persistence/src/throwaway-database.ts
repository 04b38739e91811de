import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { poolConfigFromUrl } from './prisma-config-url';

const run = promisify(execFile);

export interface ThrowawayDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  // Connect to the maintenance database: a database cannot be dropped by a session using it.
  const client = new Client({ ...poolConfigFromUrl(serverUrl), database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on the server of `serverUrl` (used by integration tests that need
 * a schema of their own). `drop()` removes it, ending any session still connected.
 */
export async function createThrowawayDatabase(serverUrl: string, prefix = 'funnel_test'): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e9).toString(36)}`.toLowerCase();
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name: ${name}`);
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * Applies a service's Prisma migrations with the CLI, as deployment does. `serviceDir` holds
 * prisma.config.ts, which reads the database URL from `urlEnv`.
 */
export async function prismaMigrateDeploy(serviceDir: string, urlEnv: string, databaseUrl: string): Promise<string> {
  const { stdout, stderr } = await run('npx', ['prisma', 'migrate', 'deploy'], {
    cwd: serviceDir,
    env: { ...process.env, [urlEnv]: databaseUrl },
    timeout: 120000,
  });
  return `${stdout}${stderr}`;
}
