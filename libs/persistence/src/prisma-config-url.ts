import type { PoolConfig } from 'pg';

/** Fix 2: discrete fields, because pg lets a connectionString override `database` (shadow DB = main DB). */
export function poolConfigFromUrl(databaseUrl: string): PoolConfig {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  };
}
