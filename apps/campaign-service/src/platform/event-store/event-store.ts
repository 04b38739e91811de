import { Injectable } from '@nestjs/common';
import { Envelope, TOPICS } from '@funnel/contracts';
import { OutboxRecord } from '@funnel/persistence';
import { Prisma } from '../../generated/prisma/client';
import { ConcurrencyError } from './concurrency.error';
import { OutboxRelayService } from './outbox-relay.service';
import { PrismaService } from './prisma.service';

export type Tx = Prisma.TransactionClient;


export type OutboxMessage = Omit<OutboxRecord, 'id'>;

export interface Change {
  aggregateType: string;
  /** New events of one aggregate, with consecutive aggregate versions following the loaded one. */
  events: Array<Envelope<object>>;
  /** Read-model writes, run in the same transaction. */
  project(tx: Tx): Promise<void>;
  /** Messages for Kafka, published by the relay after commit. */
  outbox: OutboxMessage[];
}

/** JSON for a jsonb column: class instances become plain objects, undefined fields vanish. */
function toJson(value: object): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonObject;
}

/** The envelope as published on the campaign events topic, keyed by aggregate id. */
export function envelopeMessage(event: Envelope<object>): OutboxMessage {
  return { topic: TOPICS.campaignEvents, key: event.aggregateId, value: JSON.stringify(event), headers: { 'event-type': event.type } };
}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
}

/**
 * Appends events, updates read models and writes outbox rows in ONE transaction. The events
 * table's unique (aggregate_type, handle, aggregate_id, aggregate_version) decides races: the
 * second writer of a version inserts nothing (or hits the key) and the whole change rolls back.
 */
@Injectable()
export class EventStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly relay: OutboxRelayService,
  ) {}

  async commit(change: Change): Promise<void> {
    const first = change.events[0];
    if (!first) return;
    try {
      await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.event.createMany({
          data: change.events.map((e) => ({
            aggregateType: change.aggregateType,
            aggregateId: e.aggregateId,
            handle: e.handle,
            aggregateVersion: e.aggregateVersion,
            type: e.type,
            version: e.version,
            payload: toJson(e.payload),
            eventId: e.eventId,
            occurredAt: new Date(e.occurredAt),
            correlationId: e.correlationId,
            causationId: e.causationId,
          })),
          // ON CONFLICT DO NOTHING waits for a concurrent writer of the same key and then skips.
          skipDuplicates: true,
        });
        if (count !== change.events.length) throw new ConcurrencyError(change.aggregateType, first.handle, first.aggregateId);
        await change.project(tx);
        await tx.outbox.createMany({
          data: change.outbox.map((m) => ({ topic: m.topic, key: m.key, value: m.value, headers: m.headers ?? {} })),
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConcurrencyError(change.aggregateType, first.handle, first.aggregateId);
      throw e;
    }
    this.relay.wake();
  }

  /** The stream of one aggregate in version order, as envelopes (for folding and audits). */
  async history(aggregateType: string, handle: string, aggregateId: string): Promise<Array<Envelope<Record<string, unknown>>>> {
    const rows = await this.prisma.event.findMany({
      where: { aggregateType, handle, aggregateId },
      orderBy: { aggregateVersion: 'asc' },
    });
    return rows.map((r) => ({
      eventId: r.eventId,
      type: r.type,
      version: r.version,
      occurredAt: r.occurredAt.toISOString(),
      handle: r.handle,
      aggregateId: r.aggregateId,
      aggregateVersion: r.aggregateVersion,
      correlationId: r.correlationId,
      causationId: r.causationId,
      payload: (r.payload ?? {}) as Record<string, unknown>,
    }));
  }
}
