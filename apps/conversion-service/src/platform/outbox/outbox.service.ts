import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Envelope } from '@funnel/contracts';
import { OutboxRelay } from '@funnel/persistence';
import { Tx } from '../database';
import { Producer } from '../kafka.providers';
import { PgOutboxStore } from './pg-outbox.store';

/** Runs the outbox relay for this service's database; use cases call wake() after committing. */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OutboxRelay');
  private readonly relay: OutboxRelay;

  constructor(
    private readonly store: PgOutboxStore,
    producer: Producer,
  ) {
    // Published rows are pruned by the relay after OUTBOX_RETENTION_MS (hourly).
    this.relay = new OutboxRelay(store, producer, this.logger, { batchSize: 500, idleMs: 250 });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  /** Writes an event in the caller's transaction; call wake() after it commits. */
  append<T>(tx: Tx, topic: string, key: string, envelope: Envelope<T>): Promise<void> {
    return this.store.append(tx, topic, key, envelope);
  }

  wake(): void {
    this.relay.wake();
  }

  /** Publishes everything committed so far (tests; shutdown leaves the rest for the next start). */
  drain(): Promise<void> {
    return this.relay.drain();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}
