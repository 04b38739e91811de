import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EventConsumer } from '@funnel/kafka';
import { KAFKA, PROJECTOR_OPTIONS, ProjectorOptions } from '../core/projector-options';
import { PROJECTED_TOPICS, ProjectBatch } from './use-cases/project-batch';

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
      topics: [...PROJECTED_TOPICS],
      batchHandler: (messages) => this.projectBatch.execute(messages),
      onAssigned: async (_consumer, assignment) => {
        this.projectBatch.onPartitionsAssigned();
        this.logger.log(`assigned ${JSON.stringify(assignment)}`);
      },
      logger: this.logger,
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
