import { CH_TABLES } from '@funnel/clickhouse';
import { TOPICS } from '@funnel/contracts';
import { dlq, drop, ok, Outcome, retry } from '@funnel/kafka';
import { ClickRow, ConversionRow, decodeClick, decodeConversion, DecodedRows, RawMessage } from '../event-rows';
import { OffsetGuard } from '../offset-guard';
import { EventKey, RawTable } from '../raw-events.repository';

/** The I/O the projection needs; RawEventsRepository in the service, a fake in unit tests. */
export interface RawEventsStore {
  insertClicks(rows: readonly ClickRow[]): Promise<void>;
  insertConversions(rows: readonly ConversionRow[]): Promise<void>;
  maxStoredOffset(table: RawTable, topic: string, partition: number): Promise<bigint | null>;
  storedEventIds(table: RawTable, events: readonly EventKey[]): Promise<Set<string>>;
}

interface Projection<Row extends EventKey> {
  table: RawTable;
  /** The message's rows (several for an event batch), or why it is poison. */
  decode(message: RawMessage, insertedAt: number): DecodedRows<Row>;
  insert(store: RawEventsStore, rows: readonly Row[]): Promise<void>;
}

const clickProjection: Projection<ClickRow> = { table: CH_TABLES.clicks, decode: decodeClick, insert: (store, rows) => store.insertClicks(rows) };
const conversionProjection: Projection<ConversionRow> = {
  table: CH_TABLES.conversions,
  decode: (message, insertedAt) => {
    const decoded = decodeConversion(message, insertedAt);
    return decoded.ok ? { ok: true, rows: [decoded.row] } : decoded;
  },
  insert: (store, rows) => store.insertConversions(rows),
};

/** Which topic feeds which raw table: the platform's topics unless a benchmark or test names its own. */
export interface ProjectedTopics {
  clicks: string;
  conversions: string;
}

export const PLATFORM_TOPICS: ProjectedTopics = { clicks: TOPICS.clicks, conversions: TOPICS.conversions };
export const PROJECTED_TOPICS: readonly string[] = [PLATFORM_TOPICS.clicks, PLATFORM_TOPICS.conversions];

/**
 * Projects one batch of one partition into its raw table, exactly once:
 * 1. messages at or below the partition's stored maximum offset are skipped (redelivery after a
 *    crash between insert and commit);
 * 2. each remaining message is validated (one event, or an event batch: all or nothing); a poison
 *    message goes to the DLQ, the rest carry on;
 * 3. events already stored under other offsets (published twice) or repeated in the batch are
 *    skipped; a message whose events were all skipped so is dropped;
 * 4. the rest go to ClickHouse in ONE insert, carrying topic/partition/offset.
 * A failed read or insert answers `retry` for the whole batch (the consumer backs off and
 * redelivers it, nothing is committed), and the stored maximum is read again next time.
 */
export class ProjectBatch {
  private readonly guard: OffsetGuard;
  private readonly projections: Record<string, Projection<ClickRow> | Projection<ConversionRow>>;
  /** The topics this projection consumes. */
  readonly topics: readonly string[];

  constructor(
    private readonly store: RawEventsStore,
    private readonly now: () => Date = () => new Date(),
    topics: ProjectedTopics = PLATFORM_TOPICS,
  ) {
    this.projections = { [topics.clicks]: clickProjection, [topics.conversions]: conversionProjection };
    this.topics = [topics.clicks, topics.conversions];
    this.guard = new OffsetGuard({
      maxStoredOffset: (topic, partition) => {
        const projection = this.projections[topic];
        if (!projection) throw new Error(`no projection for topic ${topic}`);
        return store.maxStoredOffset(projection.table, topic, partition);
      },
    });
  }

  /** After a rebalance: partitions may have been written by another instance meanwhile. */
  onPartitionsAssigned(): void {
    this.guard.forget();
  }

  async execute(messages: readonly RawMessage[]): Promise<Outcome[]> {
    if (messages.length === 0) return [];
    const { topic, partition } = messages[0];
    const projection = this.projections[topic] as Projection<EventKey> | undefined;
    if (!projection) return messages.map(() => dlq(`no projection for topic ${topic}`));

    let highWater: bigint | null;
    try {
      highWater = await this.guard.highWater(topic, partition);
    } catch (e) {
      return messages.map(() => retry(`reading stored offsets: ${(e as Error).message}`));
    }

    const insertedAt = Math.floor(this.now().getTime() / 1000);
    const outcomes: Outcome[] = [];
    const pending: Array<{ index: number; row: EventKey }> = [];
    const inBatch = new Set<string>();
    for (const message of messages) {
      if (OffsetGuard.alreadyStored(highWater, message.offset)) {
        outcomes.push(drop('already stored in ClickHouse'));
        continue;
      }
      let decoded: DecodedRows<EventKey>;
      try {
        decoded = projection.decode(message, insertedAt);
      } catch (e) {
        // A message that makes validation itself throw is poison too; retrying it would block the partition.
        decoded = { ok: false, error: `validation failed: ${(e as Error).message}` };
      }
      if (!decoded.ok) {
        outcomes.push(dlq(decoded.error));
        continue;
      }
      const index = outcomes.length;
      let fresh = 0;
      for (const row of decoded.rows) {
        if (inBatch.has(row.event_id)) continue;
        inBatch.add(row.event_id);
        pending.push({ index, row });
        fresh++;
      }
      outcomes.push(fresh > 0 ? ok : drop(`every event of the message is repeated in the batch`));
    }

    try {
      if (pending.length > 0) {
        const stored = await this.store.storedEventIds(projection.table, pending.map((p) => p.row));
        const fresh = pending.filter((p) => !stored.has(p.row.event_id));
        const kept = new Set(fresh.map((p) => p.index));
        for (const p of pending) if (!kept.has(p.index)) outcomes[p.index] = drop(`every event of the message is already stored`);
        await projection.insert(this.store, fresh.map((p) => p.row));
      }
    } catch (e) {
      // The insert may have landed even though it failed (e.g. a timeout): ask ClickHouse next time.
      this.guard.forget(topic, partition);
      return messages.map(() => retry(`writing to ClickHouse: ${(e as Error).message}`));
    }
    this.guard.advance(topic, partition, messages[messages.length - 1].offset);
    return outcomes;
  }
}
