import { Module } from '@nestjs/common';
import { GatewayEnv, loadConfig } from '@funnel/config';
import { bootstrapService, runMain } from '@funnel/observability';
import { AppModule } from './app.module';
import { configureHttp } from './platform/http/http-setup';

runMain('gateway', async () => {
  const env = loadConfig(GatewayEnv);

  // bootstrapService takes a module class; this one carries the env loaded above.
  @Module({ imports: [AppModule.register({ env })] })
  class GatewayMainModule {}

  await bootstrapService({ service: 'gateway', module: GatewayMainModule, port: env.GATEWAY_PORT, trustedProxies: env.TRUSTED_PROXIES, configure: configureHttp });
});
