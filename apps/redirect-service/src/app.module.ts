import { Module } from '@nestjs/common';
import { HEALTH_CHECKS, HealthCheck, HealthController, SERVICE_NAME } from '@funnel/observability';
import { ClickPipeline, ClicksModule } from './clicks/clicks.module';
import { CoreModule } from './core/core.module';
import { SERVICE } from './core/tokens';
import { LinkTable } from './link-table/link-table';
import { LinkTableModule } from './link-table/link-table.module';
import { SnapshotConsumer } from './link-table/snapshot.consumer';
import { RedirectModule } from './redirect/redirect.module';

/**
 * kafka: the click producer is connected and its last produce succeeded (clicks queue in
 * memory meanwhile; redirects keep answering). linkTable: the table has caught up with the
 * snapshot topics as they were at startup; before that, unknown links answer 503, not 404.
 */
function healthChecks(table: LinkTable, snapshots: SnapshotConsumer, clicks: ClickPipeline): HealthCheck[] {
  return [
    {
      name: 'kafka',
      check: async () => {
        if (!clicks.producer.isConnected) throw new Error(`click producer not connected (${clicks.batcher.pending} clicks queued)`);
        const failure = clicks.batcher.failure;
        if (failure) throw new Error(`click produce failing (${clicks.batcher.pending} clicks queued): ${failure}`);
      },
    },
    {
      name: 'linkTable',
      check: async () => {
        if (!table.ready) throw new Error(`loading snapshots: ${snapshots.progress()}`);
      },
    },
  ];
}

@Module({
  imports: [CoreModule, LinkTableModule, ClicksModule, RedirectModule],
  controllers: [HealthController],
  providers: [
    { provide: SERVICE_NAME, useValue: SERVICE },
    { provide: HEALTH_CHECKS, inject: [LinkTable, SnapshotConsumer, ClickPipeline], useFactory: healthChecks },
  ],
})
export class AppModule {}
