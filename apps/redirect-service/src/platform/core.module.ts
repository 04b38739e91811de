import { Global, Module } from '@nestjs/common';
import { loadConfig, RedirectEnv } from '@funnel/config';
import { createKafka, ensureTopics } from '@funnel/kafka';
import { KAFKA, REDIRECT_ENV, SERVICE } from './tokens';

/** Environment and the Kafka client, shared by every feature of the service. */
@Global()
@Module({
  providers: [
    { provide: REDIRECT_ENV, useFactory: () => loadConfig(RedirectEnv) },
    {
      provide: KAFKA,
      inject: [REDIRECT_ENV],
      // Topics are created before anything subscribes or produces, so a fresh cluster boots cleanly.
      useFactory: async (env: RedirectEnv) => {
        const kafka = createKafka(env, SERVICE);
        await ensureTopics(kafka);
        return kafka;
      },
    },
  ],
  exports: [REDIRECT_ENV, KAFKA],
})
export class CoreModule {}
