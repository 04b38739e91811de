import { Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { RedirectEnv } from '@funnel/config';
import { EventProducer } from '@funnel/kafka';
import { KAFKA, REDIRECT_ENV } from '../core/tokens';
import { ClickBatcher } from './click-batcher';
import { CLICK_SINK } from './click-sink';
import { KafkaClickPublisher } from './kafka-click.publisher';

/**
 * Owns the click producer and the batcher in front of it, so their shutdown order is fixed:
 * the queue is drained before the producer disconnects.
 */
@Injectable()
export class ClickPipeline implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ClickPipeline');
  readonly producer: EventProducer;
  readonly batcher: ClickBatcher;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(REDIRECT_ENV) private readonly env: RedirectEnv) {
    this.producer = new EventProducer(kafka);
    this.batcher = new ClickBatcher(new KafkaClickPublisher(this.producer), {
      flushIntervalMs: env.CLICK_FLUSH_INTERVAL_MS,
      batchSize: env.CLICK_BATCH_SIZE,
      retryMaxMs: env.CLICK_RETRY_MAX_MS,
      logger: this.logger,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.producer.connect();
  }

  /**
   * Runs after the HTTP server has closed (Nest disposes the server between
   * beforeApplicationShutdown and onApplicationShutdown), so no click can arrive after the drain.
   */
  async onApplicationShutdown(): Promise<void> {
    const left = await this.batcher.drain(this.env.CLICK_DRAIN_TIMEOUT_MS);
    if (left > 0) this.logger.error(`shutting down with ${left} clicks not produced: ${this.batcher.failure ?? 'drain timed out'}`);
    else this.logger.log(`click queue drained (${this.batcher.delivered} clicks produced)`);
    await this.producer.disconnect().catch((e: Error) => this.logger.warn(`click producer disconnect: ${e.message}`));
  }
}

@Module({
  providers: [ClickPipeline, { provide: CLICK_SINK, inject: [ClickPipeline], useFactory: (p: ClickPipeline) => p.batcher }],
  exports: [ClickPipeline, CLICK_SINK],
})
export class ClicksModule {}
