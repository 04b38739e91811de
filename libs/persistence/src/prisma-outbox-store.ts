import { OutboxRecord, OutboxStore } from './outbox-relay';

/** The raw-SQL surface of a generated Prisma client (or of its transaction client) the store needs. */
export interface RawSqlClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Any service's generated PrismaClient satisfies this structurally. */
export interface TransactionalSqlClient extends RawSqlClient {
  $transaction<R>(fn: (tx: RawSqlClient) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

export interface PrismaOutboxStoreOptions {
  /** Table with columns id bigserial, topic, key, value, headers jsonb, published_at. */
  table?: string;
  /** Advisory lock key; advisory locks are per database, so one constant per outbox table suffices. */
  lockKey?: bigint;
  /** Longest a batch may hold its transaction (the Kafka send happens inside it). */
  transactionTimeoutMs?: number;
}

interface OutboxRow {
  id: bigint;
  topic: string;
  key: string | null;
  value: string | null;
  headers: unknown;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Stable 63-bit key from a name, so the lock needs no registry of numbers. */
export function advisoryLockKey(name: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(name)) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash & 0x7fffffffffffffffn;
}

function stringHeaders(headers: unknown): Record<string, string> | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const entries = Object.entries(headers as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/**
 * OutboxStore over a PostgreSQL outbox table, through a Prisma client. Select, publish and
 * mark run in one transaction that holds `pg_try_advisory_xact_lock`, so with several relay
 * instances on one database exactly one publishes at a time (the others see 0 and idle),
 * which keeps Kafka order equal to outbox id order. The lock ends with the transaction.
 */
export class PrismaOutboxStore implements OutboxStore {
  private readonly table: string;
  private readonly lockKey: bigint;
  private readonly timeoutMs: number;

  constructor(
    private readonly client: TransactionalSqlClient,
    options: PrismaOutboxStoreOptions = {},
  ) {
    this.table = options.table ?? 'outbox';
    if (!IDENTIFIER.test(this.table)) throw new Error(`invalid outbox table name: ${this.table}`);
    this.lockKey = options.lockKey ?? advisoryLockKey(`outbox:${this.table}`);
    this.timeoutMs = options.transactionTimeoutMs ?? 60000;
  }

  withBatch(limit: number, publish: (records: OutboxRecord[]) => Promise<void>): Promise<number> {
    return this.client.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRawUnsafe<Array<{ locked: boolean }>>(
          'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked',
          this.lockKey.toString(),
        );
        if (!lock?.locked) return 0;
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `SELECT id, topic, key, value, headers FROM "${this.table}" WHERE published_at IS NULL ORDER BY id LIMIT $1::int`,
          limit,
        );
        if (rows.length === 0) return 0;
        const records: OutboxRecord[] = rows.map((r) => ({
          id: BigInt(r.id),
          topic: r.topic,
          key: r.key,
          value: r.value,
          headers: stringHeaders(r.headers),
        }));
        await publish(records);
        // By id list, not `id <= max`: a lower id still in flight in another transaction was not published.
        await tx.$executeRawUnsafe(
          `UPDATE "${this.table}" SET published_at = now() WHERE id = ANY($1::text[]::bigint[])`,
          records.map((r) => r.id.toString()),
        );
        return records.length;
      },
      { maxWait: 10000, timeout: this.timeoutMs },
    );
  }

  /**
   * Deletes rows published before `before`, in chunks of `chunk` rows (each its own statement, so
   * no long lock on a large backlog); unpublished rows are never deleted, however old.
   */
  async prunePublished(before: Date, chunk = 10000): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.client.$executeRawUnsafe(
        `DELETE FROM "${this.table}" WHERE id IN (SELECT id FROM "${this.table}" WHERE published_at < $1::timestamptz LIMIT $2::int)`,
        before.toISOString(),
        chunk,
      );
      total += deleted;
      if (deleted < chunk) return total;
    }
  }
}
