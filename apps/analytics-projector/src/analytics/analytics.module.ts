import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsRepository } from './analytics.repository';
import { GetBotReasons } from './use-cases/get-bot-reasons';
import { GetSegments } from './use-cases/get-segments';
import { GetSeries } from './use-cases/get-series';

/** Segment and bot-reason breakdowns and per hour / day / month series. */
@Module({
  controllers: [AnalyticsController],
  providers: [
    AnalyticsRepository,
    { provide: GetSegments, inject: [AnalyticsRepository], useFactory: (store: AnalyticsRepository) => new GetSegments(store) },
    { provide: GetBotReasons, inject: [AnalyticsRepository], useFactory: (store: AnalyticsRepository) => new GetBotReasons(store) },
    { provide: GetSeries, inject: [AnalyticsRepository], useFactory: (store: AnalyticsRepository) => new GetSeries(store) },
  ],
  exports: [GetSegments, GetBotReasons, GetSeries],
})
export class AnalyticsModule {}
