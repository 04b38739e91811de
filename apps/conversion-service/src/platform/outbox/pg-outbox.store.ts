import { Injectable } from '@nestjs/common';
import { Envelope } from '@funnel/contracts';
import { OutboxRecord, OutboxStore, PrismaOutboxStore } from '@funnel/persistence';
import { Database, Tx } from '../database';

/**
 * The `outbox` table of funnel_conversion: written by use cases inside their transactions, read
 * by the relay through the shared PrismaOutboxStore (advisory lock, so one relay of this
 * database publishes at a time and events leave in id order).
 */
@Injectable()
export class PgOutboxStore implements OutboxStore {
  private readonly store: PrismaOutboxStore;

  constructor(db: Database) {
    this.store = new PrismaOutboxStore(db, { table: 'outbox' });
  }

  /** Writes an event inside the caller's transaction, so it exists iff the state change committed. */
  async append<T>(tx: Tx, topic: string, key: string, envelope: Envelope<T>): Promise<void> {
    await tx.outboxEvent.create({
      data: { topic, key, value: JSON.stringify(envelope), headers: { 'event-type': envelope.type } },
    });
  }

  withBatch(limit: number, publish: (records: OutboxRecord[]) => Promise<void>): Promise<number> {
    return this.store.withBatch(limit, publish);
  }

  prunePublished(before: Date): Promise<number> {
    return this.store.prunePublished(before);
  }
}
