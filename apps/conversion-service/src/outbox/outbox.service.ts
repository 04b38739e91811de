import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Envelope } from '@funnel/contracts';
import { OutboxRelay } from '@funnel/persistence';
import { Tx } from '../infra/database';
import { Producer } from '../infra/kafka.providers';
import { PgOutboxStore } from './pg-outbox.store';

const PRUNE_EVERY_MS = 60 * 60 * 1000;
const KEEP_PUBLISHED_HOURS = 24;

/** Runs the outbox relay for this service's database; use cases call wake() after committing. */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OutboxRelay');
  private readonly relay: OutboxRelay;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: PgOutboxStore,
    producer: Producer,
  ) {
    this.relay = new OutboxRelay(store, producer, this.logger, { batchSize: 500, idleMs: 250 });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
    this.pruneTimer = setInterval(() => {
      this.store.prunePublished(KEEP_PUBLISHED_HOURS).catch((e: Error) => this.logger.warn(`outbox prune failed: ${e.message}`));
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
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
    clearInterval(this.pruneTimer);
    await this.relay.stop();
  }
}
