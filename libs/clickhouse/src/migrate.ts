import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ClickHouse, toNumber } from './client';
import { identifier, sql, trustedSql } from './escape';

/** `0001_raw_clicks.sql`: a zero-padded version, then a snake_case name. */
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export const MIGRATIONS_TABLE = 'schema_migrations';

export interface MigrationFile {
  version: number;
  name: string;
  file: string;
  checksum: string;
  statements: string[];
}

export interface MigrationLogger {
  log(message: string): void;
  warn?(message: string): void;
}

export interface MigrationOptions {
  database: string;
  dir: string;
  /** A logger, or a function that takes each line. */
  log?: MigrationLogger | ((line: string) => void);
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/**
 * Splits a migration file into statements: a statement ends at a line ending in `;`
 * (comment lines never end one). Chunks holding only comments and blank lines are dropped.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  const flush = () => {
    const statement = current.join('\n').trim().replace(/;+$/, '').trim();
    const meaningful = statement.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--'));
    if (meaningful) statements.push(statement);
    current = [];
  };
  for (const line of text.split('\n')) {
    current.push(line);
    const trimmed = line.trimEnd();
    if (!trimmed.trimStart().startsWith('--') && trimmed.endsWith(';')) flush();
  }
  flush();
  return statements;
}

/** SHA-256 of the file with line endings normalised, so a checkout with CRLF does not look edited. */
export function checksumOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

/** Reads and orders the migration files of `dir`; refuses stray names and duplicate versions. */
export function readMigrations(dir: string): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const match = FILE_NAME.exec(file);
    if (!match) throw new MigrationError(`migration file ${file} is not named NNNN_snake_case_name.sql`);
    const version = Number(match[1]);
    const clash = seen.get(version);
    if (clash) throw new MigrationError(`migrations ${clash} and ${file} share version ${match[1]}`);
    seen.set(version, file);
    const text = readFileSync(join(dir, file), 'utf8');
    return { version, name: match[2], file, checksum: checksumOf(text), statements: splitStatements(text.replace(/\r\n/g, '\n')) };
  });
}

/**
 * Where the migration files are: beside the sources (ts-jest, ts-node) or, from a build in
 * `dist/libs/clickhouse/src`, back in the source tree of the project.
 */
export function defaultMigrationsDir(): string {
  const candidates = [
    resolve(__dirname, '..', 'migrations'),
    resolve(__dirname, '..', '..', '..', '..', 'libs', 'clickhouse', 'migrations'),
    resolve(process.cwd(), 'libs', 'clickhouse', 'migrations'),
  ];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new MigrationError(`no ClickHouse migrations directory in ${candidates.join(', ')}`);
  return found;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies the pending migration files of `dir` to `database`, in version order, and records each
 * in `schema_migrations` (version, name, checksum, applied_at). Creates the database when missing.
 * Refuses to run (before applying anything) when a file that was applied has changed since:
 * applied files are frozen, a change is a new file. Statements use IF NOT EXISTS, so a file that
 * failed halfway can simply run again. Returns the files applied by this call.
 */
export async function runClickHouseMigrations(client: ClickHouse, options: MigrationOptions): Promise<string[]> {
  const log: MigrationLogger =
    typeof options.log === 'function' ? { log: options.log } : (options.log ?? { log: () => undefined });
  const files = readMigrations(options.dir);
  const db = options.database === client.database ? client : client.withDatabase(options.database);
  try {
    await db.ensureDatabase();
    await db.command(sql`
      CREATE TABLE IF NOT EXISTS ${identifier(MIGRATIONS_TABLE)} (
        version UInt32,
        name String,
        checksum String,
        applied_at DateTime
      ) ENGINE = MergeTree() ORDER BY version`);
    const rows = await db.query<{ version: number | string; name: string; checksum: string }>(
      sql`SELECT version, name, checksum FROM ${identifier(MIGRATIONS_TABLE)} ORDER BY version`,
    );
    const applied = new Map<number, AppliedRow>();
    for (const row of rows) applied.set(toNumber(row.version), { version: toNumber(row.version), name: row.name, checksum: row.checksum });

    for (const file of files) {
      const done = applied.get(file.version);
      if (done && (done.checksum !== file.checksum || done.name !== file.name)) {
        throw new MigrationError(
          `ClickHouse migration ${file.file} was changed after it was applied to ${options.database} ` +
            `(applied ${String(done.version).padStart(4, '0')}_${done.name}.sql with checksum ${done.checksum.slice(0, 12)}, ` +
            `file now ${file.checksum.slice(0, 12)}): applied migrations are frozen, put the change in a new file`,
        );
      }
    }
    const known = new Set(files.map((f) => f.version));
    for (const done of applied.values()) {
      if (!known.has(done.version)) {
        const message = `applied ClickHouse migration ${String(done.version).padStart(4, '0')}_${done.name}.sql has no file here`;
        if (log.warn) log.warn(message);
        else log.log(message);
      }
    }

    const pending = files.filter((f) => !applied.has(f.version));
    for (const file of pending) {
      for (const statement of file.statements) await db.command(trustedSql(statement));
      await db.insert(MIGRATIONS_TABLE, [
        { version: file.version, name: file.name, checksum: file.checksum, applied_at: Math.floor(Date.now() / 1000) },
      ]);
      log.log(`applied migration ${file.file} to ${options.database}`);
    }
    return pending.map((f) => f.file);
  } finally {
    if (db !== client) await db.close();
  }
}
