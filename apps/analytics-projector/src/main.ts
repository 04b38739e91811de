import { Module } from '@nestjs/common';
import { loadConfig, ProjectorEnv } from '@funnel/config';
import { createKafka, ensureTopics, rpcTransport } from '@funnel/kafka';
import { bootstrapService, runMain } from '@funnel/observability';
import { AppModule } from './app.module';
import { SERVICE } from './platform/projector-options';

runMain(SERVICE, async () => {
  const env = loadConfig(ProjectorEnv);
  // Before the RPC server subscribes: it does not auto-create its request topic.
  await ensureTopics(createKafka(env, `${SERVICE}-admin`));

  // bootstrapService takes a module class; this one carries the configured AppModule.
  @Module({ imports: [AppModule.register({ env, groupId: env.PROJECTOR_GROUP_ID })] })
  class AnalyticsProjectorModule {}

  await bootstrapService({
    service: SERVICE,
    module: AnalyticsProjectorModule,
    port: env.PROJECTOR_PORT,
    rpc: rpcTransport(env, SERVICE, SERVICE),
  });
});
