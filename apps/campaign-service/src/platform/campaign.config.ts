import { Global, Module } from '@nestjs/common';
import { CampaignEnv, loadConfig } from '@funnel/config';

export const SERVICE = 'campaign-service';

/** Injection token for the validated environment. */
export const CAMPAIGN_ENV = Symbol('CAMPAIGN_ENV');

/** Reads the environment once at boot: a bad variable stops the service with a message naming it. */
@Global()
@Module({
  providers: [{ provide: CAMPAIGN_ENV, useFactory: (): CampaignEnv => loadConfig(CampaignEnv) }],
  exports: [CAMPAIGN_ENV],
})
export class CampaignConfigModule {}
