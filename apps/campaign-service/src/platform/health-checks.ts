import { CampaignEnv } from '@funnel/config';
import { createProbeKafka } from '@funnel/kafka';
import { HealthCheck } from '@funnel/observability';
import { SERVICE } from './campaign.config';
import { PrismaService } from './event-store/prisma.service';

/** Dependencies GET /health reports on: the database (event store, outbox) and the broker (RPC, relay). */
export function campaignHealthChecks(prisma: PrismaService, env: CampaignEnv): HealthCheck[] {
  // No retries: a health probe should report a down broker, not wait it out.
  const kafka = createProbeKafka(env, `${SERVICE}-health`);
  return [
    {
      name: 'postgres',
      check: async () => {
        await prisma.$queryRawUnsafe('SELECT 1');
      },
    },
    {
      name: 'kafka',
      check: async () => {
        const admin = kafka.admin();
        try {
          await admin.connect();
          await admin.describeCluster();
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      },
    },
  ];
}
