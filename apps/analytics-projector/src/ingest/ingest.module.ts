import { Module } from '@nestjs/common';
import { AnalyticsEventsConsumer } from './analytics-events.consumer';
import { RawEventsRepository } from './raw-events.repository';
import { PROJECTOR_OPTIONS, ProjectorOptions } from '../platform/projector-options';
import { PLATFORM_TOPICS, ProjectBatch } from './use-cases/project-batch';

/** Kafka events → raw ClickHouse tables (the materialized views do the rest). */
@Module({
  providers: [
    RawEventsRepository,
    {
      provide: ProjectBatch,
      inject: [RawEventsRepository, PROJECTOR_OPTIONS],
      useFactory: (repository: RawEventsRepository, options: ProjectorOptions) =>
        new ProjectBatch(repository, undefined, options.topics ?? PLATFORM_TOPICS),
    },
    AnalyticsEventsConsumer,
  ],
  exports: [AnalyticsEventsConsumer, ProjectBatch],
})
export class IngestModule {}
