import { CampaignEnv, loadConfig } from '@funnel/config';
import { createKafka, ensureTopics, rpcTransport } from '@funnel/kafka';
import { bootstrapService, runMain } from '@funnel/observability';
import { AppModule } from './app.module';
import { SERVICE } from './platform/campaign.config';

runMain(SERVICE, async () => {
  const env = loadConfig(CampaignEnv);
  // Before the RPC server subscribes and the relay produces: both use topics that must exist.
  await ensureTopics(createKafka(env, `${SERVICE}-admin`));
  await bootstrapService({
    service: SERVICE,
    module: AppModule,
    port: env.CAMPAIGN_PORT,
    rpc: rpcTransport(env, SERVICE, SERVICE),
  });
});
