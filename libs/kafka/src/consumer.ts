import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { dlqTopic } from '@funnel/contracts';
import { Outcome } from './outcome';
import { EventProducer } from './producer';

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: KafkaMessage['headers'];
  timestamp: string;
}

/** Handles one batch of one partition; returns one outcome per message, in order. */
export type BatchHandler = (messages: ConsumedMessage[]) => Promise<Outcome[]>;
export type MessageHandler = (message: ConsumedMessage) => Promise<Outcome>;

export interface ConsumerLogger {
  log(message: string, context?: unknown): void;
  warn(message: string, context?: unknown): void;
  error(message: string, context?: unknown): void;
}

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Either a per-message handler or a batch handler. */
  handler?: MessageHandler;
  batchHandler?: BatchHandler;
  logger: ConsumerLogger;
  /** Backoff for `retry` outcomes: doubles from min to max, forever (nothing is skipped). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Called after partitions are assigned, before fetching: lets a consumer seek (e.g. to offsets kept in its own store). */
  onAssigned?: (consumer: Consumer, assignment: Record<string, number[]>) => Promise<void>;
  /**
   * Fetch tuning (kafkajs defaults when absent: 1 MiB per partition, 10 MiB per fetch). Larger
   * fetches make larger batches, which is what a consumer writing one insert per batch wants.
   */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  /**
   * The broker holds a fetch until it has `minBytes` (kafkajs default 1) or `maxWaitTimeInMs`
   * (default 5000) has passed: a larger minBytes trades a bounded delay for larger batches.
   */
  minBytes?: number;
  maxWaitTimeInMs?: number;
  /**
   * Partitions handled at the same time (default 1). Batches of one partition stay in order
   * whatever the value; only different partitions overlap.
   */
  partitionsConsumedConcurrently?: number;
  /** How long the group waits for a silent member before giving its partitions away (default 30000). */
  sessionTimeout?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A consumer with manual commits: an offset is committed only after the handler has
 * succeeded for every message before it, so a crash re-delivers rather than loses.
 * Poison messages go to `<topic>.dlq` with the error in headers and the partition moves on.
 */
export class EventConsumer {
  private consumer: Consumer;
  private readonly dlqProducer: EventProducer;
  private stopping = false;
  private running = false;

  constructor(private readonly options: ConsumerOptions) {
    if (!options.handler === !options.batchHandler) throw new Error('EventConsumer needs exactly one of handler or batchHandler');
    this.consumer = this.createConsumer();
    this.dlqProducer = new EventProducer(options.kafka);
  }

  private createConsumer(): Consumer {
    const options = this.options;
    return options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeout ?? 30000,
      // Kafka wants heartbeats well within the session timeout.
      heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeout ?? 30000) / 3)),
      allowAutoTopicCreation: false,
      // kafkajs restarts a crashed consumer on a timer; a crash handled while stop() runs would
      // otherwise restart it after the disconnect, reconnecting forever.
      retry: { retries: 5, restartOnFailure: async () => !this.stopping },
      ...(options.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      ...(options.minBytes !== undefined ? { minBytes: options.minBytes } : {}),
      ...(options.maxWaitTimeInMs !== undefined ? { maxWaitTimeInMs: options.maxWaitTimeInMs } : {}),
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.dlqProducer.connect();
    await this.runConsumer();
    this.running = true;
  }

  /**
   * kafkajs restarts a consumer after retriable errors only; after a non-retriable one (e.g. the
   * group coordinator evicted this member while the machine was starved) it stays down. Nothing
   * was committed past what the handler finished, so a fresh consumer resumes without loss.
   */
  private restartAfterCrash(): void {
    const crashed = this.consumer;
    setTimeout(() => {
      void (async () => {
        await crashed.disconnect().catch(() => undefined);
        if (this.stopping) return;
        this.consumer = this.createConsumer();
        await this.runConsumer();
        this.options.logger.warn(`consumer ${this.options.groupId} restarted after a crash`);
      })().catch((e: Error) => {
        this.options.logger.error(`consumer ${this.options.groupId} could not restart, retrying: ${e.message}`);
        this.restartAfterCrash();
      });
    }, 1000);
  }

  private async runConsumer(): Promise<void> {
    const { topics, fromBeginning = true, onAssigned } = this.options;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning });
    if (onAssigned) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
        void onAssigned(this.consumer, event.payload.memberAssignment).catch((e: Error) =>
          this.options.logger.error(`onAssigned failed: ${e.message}`),
        );
      });
    }
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.options.logger.error(`consumer ${this.options.groupId} crashed: ${event.payload.error.message}`);
      if (!event.payload.restart && !this.stopping) this.restartAfterCrash();
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const messages: ConsumedMessage[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString() : null,
          value: m.value,
          headers: m.headers,
          timestamp: m.timestamp,
        }));
        if (messages.length === 0) return;
        const outcomes = await this.handleWithRetry(messages, heartbeat, () => isRunning() && !isStale());
        if (!outcomes) return; // stopping or rebalanced: nothing committed, the batch is redelivered
        for (let i = 0; i < messages.length; i++) {
          const outcome = outcomes[i];
          if (outcome?.kind === 'dlq') await this.toDlq(messages[i], outcome.error);
        }
        const last = messages[messages.length - 1];
        // Resolving moves kafkajs's fetch position past the batch; committing makes it durable.
        resolveOffset(last.offset);
        await this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]);
        await heartbeat();
      },
    });
  }

  private async handleWithRetry(
    messages: ConsumedMessage[],
    heartbeat: () => Promise<void>,
    stillOurs: () => boolean,
  ): Promise<Outcome[] | null> {
    const { retryMinMs = 200, retryMaxMs = 10000, logger } = this.options;
    let delay = retryMinMs;
    for (;;) {
      if (this.stopping || !stillOurs()) return null;
      let outcomes: Outcome[];
      try {
        outcomes = this.options.batchHandler
          ? await this.options.batchHandler(messages)
          : await this.handleEach(messages);
      } catch (e) {
        outcomes = [{ kind: 'retry', error: (e as Error).message }];
      }
      const failed = outcomes.find((o) => o.kind === 'retry');
      if (!failed && outcomes.length === messages.length) return outcomes;
      const reason = failed && failed.kind === 'retry' ? failed.error : 'handler returned a wrong number of outcomes';
      logger.warn(`retrying batch of ${messages.length} from ${messages[0].topic}[${messages[0].partition}]@${messages[0].offset} in ${delay} ms: ${reason}`);
      await sleep(delay);
      await heartbeat().catch(() => undefined);
      delay = Math.min(delay * 2, retryMaxMs);
    }
  }

  /** Per-message mode: stops at the first retry so later messages are not handled out of order. */
  private async handleEach(messages: ConsumedMessage[]): Promise<Outcome[]> {
    const handler = this.options.handler as MessageHandler;
    const outcomes: Outcome[] = [];
    for (const message of messages) {
      let outcome: Outcome;
      try {
        outcome = await handler(message);
      } catch (e) {
        outcome = { kind: 'retry', error: (e as Error).message };
      }
      if (outcome.kind === 'retry') return [outcome];
      outcomes.push(outcome);
    }
    return outcomes;
  }

  private async toDlq(message: ConsumedMessage, error: string): Promise<void> {
    this.options.logger.warn(`poison message ${message.topic}[${message.partition}]@${message.offset} sent to DLQ: ${error}`);
    await this.dlqProducer.send(dlqTopic(message.topic), [
      {
        key: message.key,
        value: message.value ? message.value.toString() : null,
        headers: {
          'x-error': error.slice(0, 2000),
          'x-original-topic': message.topic,
          'x-original-partition': String(message.partition),
          'x-original-offset': message.offset,
          'x-failed-at': new Date().toISOString(),
        },
      },
    ]);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect().catch(() => undefined);
    await this.dlqProducer.disconnect().catch(() => undefined);
    this.running = false;
  }
}
