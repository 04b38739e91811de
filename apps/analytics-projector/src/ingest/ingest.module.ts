import { Module } from '@nestjs/common';
import { AnalyticsEventsConsumer } from './analytics-events.consumer';
import { RawEventsRepository } from './raw-events.repository';
import { ProjectBatch } from './use-cases/project-batch';

/** Kafka events → raw ClickHouse tables (the materialized views do the rest). */
@Module({
  providers: [
    RawEventsRepository,
    { provide: ProjectBatch, inject: [RawEventsRepository], useFactory: (repository: RawEventsRepository) => new ProjectBatch(repository) },
    AnalyticsEventsConsumer,
  ],
  exports: [AnalyticsEventsConsumer, ProjectBatch],
})
export class IngestModule {}
