import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CampaignEnv } from '@funnel/config';
import { createPrismaAdapter } from '@funnel/persistence';
import { PrismaClient } from '../../generated/prisma/client';
import { CAMPAIGN_ENV } from '../campaign.config';

/** The service's one Prisma client; closed last on shutdown, after the outbox relay has drained. */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(CAMPAIGN_ENV) env: CampaignEnv) {
    super({ adapter: createPrismaAdapter(env.CAMPAIGN_DATABASE_URL) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
