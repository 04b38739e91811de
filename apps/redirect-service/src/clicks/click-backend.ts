import type { Kafka } from 'kafkajs';
import type { RedirectEnv } from '@funnel/config';
import { TOPICS } from '@funnel/contracts';
import { EventProducer } from '@funnel/kafka';
import { ClickRateWindow } from '../redirect/click-rate';
import { unpackClicks } from './captured-click';
import { ClickBatcher } from './click-batcher';
import { ClickRecorder } from './click-recorder';
import type { ClickTransport } from './click-sink';
import { ClickSpool } from './click-spool';
import { handoffSpillPath, takeSpill } from './handoff-spill';
import type { ClickStatus, FromClickWorker, ToClickWorker } from './click-worker-protocol';
import { KafkaClickPublisher } from './kafka-click.publisher';
import { SpoolingPublisher } from './spooling.publisher';

export interface Logger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Where this instance spools clicks: REDIRECT_SPOOL_DIR, else one folder per port under .state. */
export function spoolDir(env: RedirectEnv): string {
  return env.REDIRECT_SPOOL_DIR || `.state/spool/redirect-${env.REDIRECT_PORT}`;
}

/**
 * Everything after the handoff, run in the click worker: recorder (context, bot verdict,
 * envelope) → batcher → spooling publisher → Kafka producer, with the local spool when Kafka does
 * not answer. Their shutdown order is fixed: the queue is drained (to Kafka or the spool), the
 * spool is replayed as far as Kafka allows, then the producer disconnects. What is still spooled
 * then is replayed by the next run.
 */
export class ClickBackend {
  readonly transport: ClickTransport;
  readonly spool: ClickSpool;
  readonly publisher: SpoolingPublisher;
  readonly batcher: ClickBatcher;
  readonly recorder: ClickRecorder;
  private readonly spoolDir: string;

  constructor(
    kafka: Kafka,
    env: RedirectEnv,
    private readonly logger: Logger,
    transport?: ClickTransport,
    clicksTopic: string = TOPICS.clicks,
  ) {
    this.transport = transport ?? new KafkaClickPublisher(new EventProducer(kafka), clicksTopic);
    this.spoolDir = spoolDir(env);
    this.spool = new ClickSpool(this.spoolDir);
    this.publisher = new SpoolingPublisher(this.transport, this.spool, {
      produceTimeoutMs: env.CLICK_PRODUCE_TIMEOUT_MS,
      batchSize: env.CLICK_BATCH_SIZE,
      retryMinMs: 200,
      retryMaxMs: env.CLICK_RETRY_MAX_MS,
      logger,
    });
    this.batcher = new ClickBatcher(this.publisher, {
      flushIntervalMs: env.CLICK_FLUSH_INTERVAL_MS,
      batchSize: env.CLICK_BATCH_SIZE,
      retryMaxMs: env.CLICK_RETRY_MAX_MS,
      logger,
    });
    const rate = new ClickRateWindow({ maxClicks: env.BOT_RATE_MAX_CLICKS, windowMs: env.BOT_RATE_WINDOW_MS, maxAddresses: env.BOT_RATE_MAX_ADDRESSES });
    this.recorder = new ClickRecorder(this.batcher, rate);
  }

  /**
   * Opens the spool, takes what the request thread spilled while no worker was attached, and
   * starts replaying what a previous run left spooled. It does not wait for Kafka: the worker is
   * ready at once, and until Kafka answers its clicks go to the spool.
   */
  async start(): Promise<void> {
    await this.spool.open();
    const spill = await takeSpill(handoffSpillPath(this.spoolDir));
    if (spill.corrupt > 0) this.logger.error(`skipped ${spill.corrupt} unreadable lines of the handoff spill`);
    let taken = 0;
    for (const packed of spill.batches) {
      for (const click of unpackClicks(packed)) {
        this.recorder.capture(click);
        taken++;
      }
    }
    if (taken > 0) this.logger.warn(`took ${taken} clicks the request thread spilled while no click worker was attached`);
    this.publisher.start();
    this.transport.connect().catch((e: Error) => this.logger.warn(`click producer not connected yet (clicks are spooled meanwhile): ${e.message}`));
  }

  status(): ClickStatus {
    return {
      failure: this.batcher.failure,
      kafkaFailure: this.publisher.failure,
      pending: this.batcher.pending,
      delivered: this.batcher.delivered,
      spooled: this.publisher.spooled,
      replayed: this.publisher.replayed,
      backlogBytes: this.publisher.backlogBytes,
      spoolEmpty: this.spool.isEmpty,
    };
  }

  /** Handles one message from the request thread; replies through `reply`. */
  async handle(message: ToClickWorker, reply: (message: FromClickWorker) => void): Promise<void> {
    switch (message.kind) {
      case 'clicks':
        for (const click of unpackClicks(message.packed)) this.recorder.capture(click);
        return;
      case 'status':
        return reply({ kind: 'status', id: message.id, status: this.status() });
      case 'drain': {
        const { left, emptied } = await this.drain(message.timeoutMs);
        return reply({ kind: 'drained', left, emptied, status: this.status() });
      }
    }
  }

  /** Delivers what is queued, replays the spool for what time is left, and closes. */
  async drain(timeoutMs: number): Promise<{ left: number; emptied: boolean }> {
    const deadline = Date.now() + timeoutMs;
    const left = await this.batcher.drain(timeoutMs);
    if (left > 0) this.logger.error(`shutting down with ${left} clicks neither produced nor spooled: ${this.batcher.failure ?? 'drain timed out'}`);
    const emptied = await this.publisher.flush(Math.max(0, deadline - Date.now()));
    if (emptied) this.logger.log(`click queue drained (${this.batcher.delivered} clicks accepted, ${this.publisher.spooled} of them via the spool)`);
    else this.logger.warn(`${this.publisher.backlogBytes} bytes of clicks stay in the spool for the next run: ${this.publisher.failure ?? ''}`);
    await this.spool.close().catch((e: Error) => this.logger.warn(`click spool close: ${e.message}`));
    await this.transport.close().catch((e: Error) => this.logger.warn(`click producer disconnect: ${e.message}`));
    return { left, emptied };
  }
}
