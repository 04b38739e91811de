import { Inject, Injectable } from '@nestjs/common';
import { ClickHouse, CH_TABLES, identifier, sql } from '@funnel/clickhouse';
import { CLICKHOUSE } from '../platform/projector-options';
import { ClickRow, ConversionRow } from './event-rows';

export type RawTable = typeof CH_TABLES.clicks | typeof CH_TABLES.conversions;

/** What identifies an event already stored: its id, plus the sort-key columns that narrow the lookup. */
export interface EventKey {
  event_id: string;
  handle: string;
  campaign_id: string;
  occurred_at: number;
}

/** Event ids per lookup: one statement for a whole fetched batch, at most ~1 MB of SQL. */
const IDS_PER_LOOKUP = 25000;

/** The raw event tables: one insert per batch, and the reads that make inserts idempotent. */
@Injectable()
export class RawEventsRepository {
  constructor(@Inject(CLICKHOUSE) private readonly clickhouse: ClickHouse) {}

  insertClicks(rows: readonly ClickRow[]): Promise<void> {
    return this.clickhouse.insert(CH_TABLES.clicks, rows);
  }

  insertConversions(rows: readonly ConversionRow[]): Promise<void> {
    return this.clickhouse.insert(CH_TABLES.conversions, rows);
  }

  /**
   * The highest Kafka offset stored for a partition. Scans the three kafka_* columns of the table
   * (they are not in its sort key); it runs once per partition assignment, not per batch.
   */
  async maxStoredOffset(table: RawTable, topic: string, partition: number): Promise<bigint | null> {
    const rows = await this.clickhouse.query<{ stored: string | number; max_offset: string | number }>(sql`
      SELECT count() AS stored, max(kafka_offset) AS max_offset
      FROM ${identifier(table)}
      WHERE kafka_topic = ${topic} AND kafka_partition = ${partition}`);
    const row = rows[0];
    return row && BigInt(row.stored) > 0n ? BigInt(row.max_offset) : null;
  }

  /**
   * Which of these events are already stored (the same event published twice, under new offsets).
   * A duplicate carries the same handle, campaign and occurred_at, so the lookup is bounded by all
   * three, which is what the sort key (handle, campaign_id, occurred_at) prunes on.
   */
  async storedEventIds(table: RawTable, events: readonly EventKey[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < events.length; i += IDS_PER_LOOKUP) {
      const chunk = events.slice(i, i + IDS_PER_LOOKUP);
      const handles = [...new Set(chunk.map((e) => e.handle))];
      const campaigns = [...new Set(chunk.map((e) => e.campaign_id))];
      let from = chunk[0].occurred_at;
      let to = from;
      for (const e of chunk) {
        if (e.occurred_at < from) from = e.occurred_at;
        if (e.occurred_at > to) to = e.occurred_at;
      }
      const statement = sql`
        SELECT DISTINCT event_id
        FROM ${identifier(table)}
        WHERE handle IN (${handles}) AND campaign_id IN (${campaigns})
          AND occurred_at >= toDateTime(${from}) AND occurred_at <= toDateTime(${to})
          AND event_id IN (${chunk.map((e) => e.event_id)})`;
      // The id list outgrows the default max_query_size (256 KiB) from ~6,000 ids.
      const rows = await this.clickhouse.query<{ event_id: string }>(statement, {
        max_query_size: Math.max(262144, Buffer.byteLength(statement.text) + 4096),
      });
      for (const row of rows) found.add(row.event_id);
    }
    return found;
  }
}
