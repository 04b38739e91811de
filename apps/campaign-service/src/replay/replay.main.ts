/**
 * `npm run replay:campaigns`: rebuilds the campaign-service read models from its event store.
 * Safe while the service runs (commands wait for the rebuild's table lock).
 */
import { CampaignEnv, loadConfig } from '@funnel/config';
import { createPrismaAdapter } from '@funnel/persistence';
import { PrismaClient } from '../generated/prisma/client';
import { rebuildReadModels } from './rebuild-read-models';

async function main(): Promise<void> {
  const env = loadConfig(CampaignEnv);
  const prisma = new PrismaClient({ adapter: createPrismaAdapter(env.CAMPAIGN_DATABASE_URL) });
  try {
    const started = Date.now();
    const summary = await rebuildReadModels(prisma);
    console.error(`[funnel] replay: rebuilt read models from ${summary.events} events in ${Date.now() - started} ms`);
    console.log(JSON.stringify(summary));
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((e: Error) => {
  console.error(`[funnel] replay failed: ${e.message}`);
  process.exit(1);
});
