import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EventConsumer } from '@funnel/kafka';
import { KAFKA, PROJECTOR_OPTIONS, ProjectorOptions } from '../platform/projector-options';
import { ProjectBatch } from './use-cases/project-batch';

/**
 * Consumes TOPICS.clicks and TOPICS.conversions in batches and hands each batch to ProjectBatch.
 * Offsets are committed by EventConsumer only after the batch's outcomes, so ClickHouse being
 * down pauses the partition (retry with backoff) and nothing is lost or skipped.
 */
@Injectable()
export class AnalyticsEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AnalyticsEventsConsumer.name);
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(PROJECTOR_OPTIONS) options: ProjectorOptions,
    private readonly projectBatch: ProjectBatch,
  ) {
    this.consumer = new EventConsumer({
      kafka,
      groupId: options.groupId,
      topics: [...projectBatch.topics],
      batchHandler: (messages) => this.projectBatch.execute(messages),
      onAssigned: async (_consumer, assignment) => {
        this.projectBatch.onPartitionsAssigned();
        this.logger.log(`assigned ${JSON.stringify(assignment)}`);
      },
      logger: this.logger,
      partitionsConsumedConcurrently: options.env.PROJECTOR_PARTITIONS_CONCURRENCY,
      sessionTimeout: options.env.PROJECTOR_SESSION_TIMEOUT_MS,
      maxBytesPerPartition: options.env.PROJECTOR_FETCH_BYTES_PER_PARTITION,
      maxBytes: Math.max(options.env.PROJECTOR_FETCH_BYTES_PER_PARTITION * 4, 10485760),
      // Each batch costs one lookup and one insert (a part, two views) whatever its size, so under
      // load the broker is asked to gather ~1 MiB first; at low traffic it answers after 100 ms,
      // which keeps a click's way to the funnel well under the 2 s freshness budget.
      minBytes: options.env.PROJECTOR_FETCH_MIN_BYTES,
      maxWaitTimeInMs: options.env.PROJECTOR_FETCH_MAX_WAIT_MS,
    });
  }

  get isRunning(): boolean {
    return this.consumer.isRunning;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
