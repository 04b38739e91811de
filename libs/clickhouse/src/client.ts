import { ClickHouseClient, createClient } from '@clickhouse/client';
import { identifier, sql, Sql } from './escape';

export interface ClickHouseConfig {
  url: string;
  /** Every statement runs in this database; unqualified table names resolve to it. */
  database: string;
  username?: string;
  password?: string;
  requestTimeoutMs?: number;
  /** Sent as the HTTP client name in ClickHouse's query log. */
  application?: string;
}

/** Per-query ClickHouse settings (names 18.16 knows; unknown ones are refused with Code 115). */
export type ClickHouseSettings = Record<string, string | number>;

/** The ClickHouse variables of ClickHouseEnv (@funnel/config), as services load them. */
export interface ClickHouseEnvVars {
  CLICKHOUSE_URL: string;
  CLICKHOUSE_DATABASE: string;
  CLICKHOUSE_USER: string;
  CLICKHOUSE_PASSWORD: string;
}

/** Connects from either an explicit config or the service environment. */
export function createClickHouse(source: ClickHouseConfig | ClickHouseEnvVars, application?: string): ClickHouse {
  const config: ClickHouseConfig =
    'CLICKHOUSE_URL' in source
      ? {
          url: source.CLICKHOUSE_URL,
          database: source.CLICKHOUSE_DATABASE,
          username: source.CLICKHOUSE_USER,
          password: source.CLICKHOUSE_PASSWORD,
        }
      : source;
  return ClickHouse.connect(application ? { ...config, application } : config);
}

/** A server-side failure, with ClickHouse's numeric error code when the message carries one. */
export class ClickHouseServerError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
  ) {
    super(message);
    this.name = 'ClickHouseServerError';
  }
}

// 18.16 answers "Code: 60, e.displayText() = DB::Exception: Table x doesn't exist, e.what() = DB::Exception";
// the client only recognises the newer "... (TABLE_NOT_FOUND)" form, so the code is recovered here.
const SERVER_ERROR = /^Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?([\s\S]*?)(?:, e\.what\(\) = [\w:]+)?\s*$/;

function asServerError(e: unknown): Error {
  if (!(e instanceof Error)) return new Error(String(e));
  const match = SERVER_ERROR.exec(e.message);
  return match ? new ClickHouseServerError(match[2].trim(), Number(match[1])) : e;
}

/**
 * A thin wrapper on `@clickhouse/client` for ClickHouse 18.16. What it takes care of:
 * - statements are `Sql` values from the `sql` tag (18.16 has no query parameters, so values are literals);
 * - inserts always use JSONEachRow: the client's default insert format, JSONCompactEachRow, is unknown to 18.16;
 * - no ClickHouse settings are sent beyond what 18.16 knows: it rejects unknown ones (Code 115),
 *   so e.g. `async_insert` must never be passed; compression stays off (the client default);
 * - one statement per call: 18.16 refuses multi-statements;
 * - server errors come back as `ClickHouseServerError` with the numeric code.
 * UInt64 values come back from JSON formats as strings (18.16 quotes 64-bit integers); use `toNumber`.
 */
export class ClickHouse {
  private constructor(
    private readonly config: ClickHouseConfig,
    private readonly client: ClickHouseClient,
  ) {}

  static connect(config: ClickHouseConfig): ClickHouse {
    return new ClickHouse(config, ClickHouse.rawClient(config, config.database));
  }

  private static rawClient(config: ClickHouseConfig, database: string | undefined): ClickHouseClient {
    return createClient({
      url: config.url,
      username: config.username ?? 'default',
      password: config.password ?? '',
      ...(database ? { database } : {}),
      application: config.application ?? 'funnel',
      request_timeout: config.requestTimeoutMs ?? 30000,
      compression: { request: false, response: false },
    });
  }

  get database(): string {
    return this.config.database;
  }

  /** The same server and credentials, another database (a new connection pool; close it when done). */
  withDatabase(database: string): ClickHouse {
    return ClickHouse.connect({ ...this.config, database });
  }

  /**
   * Creates this client's database when it is missing. Runs on a connection without a default
   * database, since the server refuses every request naming a database that does not exist yet.
   */
  async ensureDatabase(): Promise<void> {
    const server = ClickHouse.rawClient(this.config, undefined);
    try {
      await server.command({ query: sql`CREATE DATABASE IF NOT EXISTS ${identifier(this.config.database)}`.text });
    } catch (e) {
      throw asServerError(e);
    } finally {
      await server.close();
    }
  }

  /**
   * Runs a SELECT and returns its rows (JSONEachRow). `settings` are sent as they are: only names
   * 18.16 knows (e.g. max_query_size for a statement with a long IN list; the default is 256 KiB).
   */
  async query<T>(statement: Sql, settings?: ClickHouseSettings): Promise<T[]> {
    try {
      const result = await this.client.query({ query: statement.text, format: 'JSONEachRow', ...(settings ? { clickhouse_settings: settings } : {}) });
      return await result.json<T>();
    } catch (e) {
      throw asServerError(e);
    }
  }

  /** Runs a statement without output (DDL, INSERT ... SELECT, OPTIMIZE). */
  async command(statement: Sql): Promise<void> {
    try {
      await this.client.command({ query: statement.text });
    } catch (e) {
      throw asServerError(e);
    }
  }

  /**
   * Inserts rows in ONE request (JSONEachRow). A request of fewer than max_insert_block_size rows
   * (1,048,576) whose rows fall in one partition is written as one part: all or nothing.
   * DateTime columns take unix seconds (numbers); 18.16 does not parse ISO strings here.
   * Decimal columns take JSON numbers with no more decimals than the column's scale.
   */
  async insert<T extends object>(table: string, rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.client.insert({ table: identifier(table).text, values: rows as T[], format: 'JSONEachRow' });
    } catch (e) {
      throw asServerError(e);
    }
  }

  /** `SELECT 1` in this database: proves the server answers, the credentials and the database. */
  async ping(): Promise<void> {
    const rows = await this.query<{ ok: number }>(sql`SELECT 1 AS ok`);
    if (rows[0]?.ok !== 1) throw new Error('ClickHouse answered SELECT 1 with something else');
  }

  /** The underlying client, for what the wrapper does not cover (tests, streaming). */
  get raw(): ClickHouseClient {
    return this.client;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** UInt64/Int64 values arrive as strings from JSON formats; counts and offsets here stay far below 2^53. */
export function toNumber(value: string | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`not a number from ClickHouse: ${String(value)}`);
  return n;
}

/** A dependency check for GET /health (structurally a HealthCheck of @funnel/observability). */
export function clickHouseHealthCheck(clickhouse: ClickHouse): { name: string; check(): Promise<void> } {
  return { name: 'clickhouse', check: () => clickhouse.ping() };
}
