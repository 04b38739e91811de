import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CampaignEnv } from '@funnel/config';
import { createKafka, EventProducer } from '@funnel/kafka';
import { OutboxRelay, PrismaOutboxStore } from '@funnel/persistence';
import { CAMPAIGN_ENV, SERVICE } from '../campaign.config';
import { PrismaService } from './prisma.service';

/**
 * Runs the outbox relay for this service's database: started on boot, woken after each commit
 * (so events leave within milliseconds rather than on the next poll), drained on shutdown.
 * Rows left unpublished (Kafka down at shutdown) are published by the next instance to boot.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private readonly producer: EventProducer;
  private readonly relay: OutboxRelay;

  constructor(@Inject(CAMPAIGN_ENV) env: CampaignEnv, prisma: PrismaService) {
    this.producer = new EventProducer(createKafka(env, `${SERVICE}-outbox`));
    this.relay = new OutboxRelay(new PrismaOutboxStore(prisma), this.producer, {
      warn: (m) => this.logger.warn(m),
      error: (m) => this.logger.error(m),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    this.relay.start();
  }

  /** Called after a transaction that wrote outbox rows has committed. */
  wake(): void {
    this.relay.wake();
  }

  /** Publishes everything pending now (tests use it to avoid waiting for a poll). */
  drain(): Promise<void> {
    return this.relay.drain();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.relay.drain().catch((e: Error) => this.logger.warn(`outbox not fully drained on shutdown: ${e.message}`));
    await this.producer.disconnect().catch(() => undefined);
  }
}
