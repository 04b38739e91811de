import { Module } from '@nestjs/common';
import { HEALTH_CHECKS, HealthCheck, HealthController, SERVICE_NAME } from '@funnel/observability';
import { ClickPipeline, ClicksModule } from './clicks/clicks.module';
import { CoreModule } from './platform/core.module';
import { SERVICE } from './platform/tokens';
import { LinkTable } from './link-table/link-table';
import { LinkTableModule } from './link-table/link-table.module';
import { linkTableHealth, SnapshotConsumer } from './link-table/snapshot.consumer';
import { RedirectModule } from './redirect/redirect.module';

/**
 * clicks: accepted clicks are being stored durably, in Kafka or, while Kafka does not answer, in
 * the local spool. A Kafka outage alone keeps the edge ready on purpose: a load balancer that
 * pulled every instance then would turn a broker outage into a redirect outage. It is down only
 * when neither takes clicks (they then wait in memory). linkTable: see linkTableHealth.
 */
function healthChecks(table: LinkTable, snapshots: SnapshotConsumer, clicks: ClickPipeline): HealthCheck[] {
  return [
    {
      name: 'clicks',
      check: async () => {
        const failure = clicks.failure;
        if (failure) throw new Error(`clicks neither produced nor spooled (${clicks.pending} in memory): ${failure}`);
      },
    },
    linkTableHealth(table, snapshots),
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
