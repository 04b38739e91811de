import { loadConfig, RedirectEnv } from '@funnel/config';
import { bootstrapService, runMain } from '@funnel/observability';
import { AppModule } from './app.module';
import { SERVICE } from './platform/tokens';

runMain(SERVICE, async () => {
  const env = loadConfig(RedirectEnv);
  await bootstrapService({ service: SERVICE, module: AppModule, port: env.REDIRECT_PORT, host: env.HOST, trustedProxies: env.TRUSTED_PROXIES });
});
