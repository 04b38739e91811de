import { Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { RedirectEnv } from '@funnel/config';
import { TOPICS } from '@funnel/contracts';
import { EventProducer } from '@funnel/kafka';
import { KAFKA, REDIRECT_ENV } from '../core/tokens';
import { ClickBatcher } from './click-batcher';
import { CLICK_SINK, ClickTransport } from './click-sink';
import { ClickSpool } from './click-spool';
import { KafkaClickPublisher } from './kafka-click.publisher';
import { SpoolingPublisher } from './spooling.publisher';

/** Where this instance spools clicks: REDIRECT_SPOOL_DIR, else one folder per port under .state. */
export function spoolDir(env: RedirectEnv): string {
  return env.REDIRECT_SPOOL_DIR || `.state/spool/redirect-${env.REDIRECT_PORT}`;
}

/**
 * Owns the click path after the 302: batcher → spooling publisher → Kafka producer (with the
 * local spool when Kafka does not answer), so their shutdown order is fixed: the queue is
 * drained (to Kafka or the spool), the spool is replayed as far as Kafka allows, then the
 * producer disconnects. What is still spooled then is replayed by the next run.
 */
@Injectable()
export class ClickPipeline implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ClickPipeline');
  readonly transport: ClickTransport;
  readonly spool: ClickSpool;
  readonly publisher: SpoolingPublisher;
  readonly batcher: ClickBatcher;
  readonly topic: string;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(REDIRECT_ENV) private readonly env: RedirectEnv) {
    this.topic = env.CLICKS_TOPIC || TOPICS.clicks;
    this.transport = new KafkaClickPublisher(new EventProducer(kafka), this.topic);
    this.spool = new ClickSpool(spoolDir(env));
    this.publisher = new SpoolingPublisher(this.transport, this.spool, {
      produceTimeoutMs: env.CLICK_PRODUCE_TIMEOUT_MS,
      batchSize: env.CLICK_BATCH_SIZE,
      retryMinMs: 200,
      retryMaxMs: env.CLICK_RETRY_MAX_MS,
      logger: this.logger,
    });
    this.batcher = new ClickBatcher(this.publisher, {
      flushIntervalMs: env.CLICK_FLUSH_INTERVAL_MS,
      batchSize: env.CLICK_BATCH_SIZE,
      retryMaxMs: env.CLICK_RETRY_MAX_MS,
      logger: this.logger,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.spool.open();
    await this.transport.connect();
    this.publisher.start();
  }

  /**
   * Runs after the HTTP server has closed (Nest disposes the server between
   * beforeApplicationShutdown and onApplicationShutdown), so no click can arrive after the drain.
   */
  async onApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + this.env.CLICK_DRAIN_TIMEOUT_MS;
    const left = await this.batcher.drain(this.env.CLICK_DRAIN_TIMEOUT_MS);
    if (left > 0) this.logger.error(`shutting down with ${left} clicks neither produced nor spooled: ${this.batcher.failure ?? 'drain timed out'}`);
    const emptied = await this.publisher.flush(Math.max(0, deadline - Date.now()));
    if (emptied) this.logger.log(`click queue drained (${this.batcher.delivered} clicks accepted, ${this.publisher.spooled} of them via the spool)`);
    else this.logger.warn(`${this.publisher.backlogBytes} bytes of clicks stay in the spool for the next run: ${this.publisher.failure ?? ''}`);
    await this.spool.close().catch((e: Error) => this.logger.warn(`click spool close: ${e.message}`));
    await this.transport.close().catch((e: Error) => this.logger.warn(`click producer disconnect: ${e.message}`));
  }
}

@Module({
  providers: [ClickPipeline, { provide: CLICK_SINK, inject: [ClickPipeline], useFactory: (p: ClickPipeline) => p.batcher }],
  exports: [ClickPipeline, CLICK_SINK],
})
export class ClicksModule {}
