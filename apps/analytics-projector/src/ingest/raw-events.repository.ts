import { Inject, Injectable } from '@nestjs/common';
import { ClickHouse, CH_TABLES, identifier, sql } from '@funnel/clickhouse';
import { CLICKHOUSE } from '../core/projector-options';
import { ClickRow, ConversionRow } from './event-rows';

export type RawTable = typeof CH_TABLES.clicks | typeof CH_TABLES.conversions;

/** What identifies an event already stored: its id, plus the sort-key columns that narrow the lookup. */
export interface EventKey {
  event_id: string;
  handle: string;
  occurred_at: number;
}

/** Event ids per lookup: keeps each statement far below max_query_size (256 KiB). */
const IDS_PER_LOOKUP = 2000;

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
   * A duplicate carries the same handle and occurred_at, so the lookup is bounded to those handles
   * and that time range, which the sort key (handle, campaign_id, occurred_at) prunes.
   */
  async storedEventIds(table: RawTable, events: readonly EventKey[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < events.length; i += IDS_PER_LOOKUP) {
      const chunk = events.slice(i, i + IDS_PER_LOOKUP);
      const handles = [...new Set(chunk.map((e) => e.handle))];
      const times = chunk.map((e) => e.occurred_at);
      const rows = await this.clickhouse.query<{ event_id: string }>(sql`
        SELECT DISTINCT event_id
        FROM ${identifier(table)}
        WHERE handle IN (${handles})
          AND occurred_at >= toDateTime(${Math.min(...times)}) AND occurred_at <= toDateTime(${Math.max(...times)})
          AND event_id IN (${chunk.map((e) => e.event_id)})`);
      for (const row of rows) found.add(row.event_id);
    }
    return found;
  }
}
