import { Module } from '@nestjs/common';
import { ConversionEnv, loadConfig } from '@funnel/config';
import { rpcTransport } from '@funnel/kafka';
import { bootstrapService, runMain } from '@funnel/observability';
import { AppModule } from './app.module';
import { SERVICE } from './platform/service-options';

runMain(SERVICE, async () => {
  const env = loadConfig(ConversionEnv);

  // bootstrapService takes a module class; this one carries the configured AppModule.
  @Module({ imports: [AppModule.register({ env, groupId: SERVICE })] })
  class ConversionServiceModule {}

  await bootstrapService({
    service: SERVICE,
    module: ConversionServiceModule,
    port: env.CONVERSION_PORT,
    rpc: rpcTransport(env, SERVICE, SERVICE),
  });
});
