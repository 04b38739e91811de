import { Module } from '@nestjs/common';
import { CampaignEnv } from '@funnel/config';
import { HEALTH_CHECKS, HealthController, SERVICE_NAME } from '@funnel/observability';
import { CAMPAIGN_ENV, CampaignConfigModule, SERVICE } from './platform/campaign.config';
import { CampaignsModule } from './campaigns/campaigns.module';
import { EventStoreModule } from './platform/event-store/event-store.module';
import { PrismaService } from './platform/event-store/prisma.service';
import { campaignHealthChecks } from './platform/health-checks';
import { LinksModule } from './links/links.module';
import { RulesModule } from './rules/rules.module';
import { TokensModule } from './tokens/tokens.module';

@Module({
  imports: [CampaignConfigModule, EventStoreModule, CampaignsModule, LinksModule, RulesModule, TokensModule],
  controllers: [HealthController],
  providers: [
    { provide: SERVICE_NAME, useValue: SERVICE },
    { provide: HEALTH_CHECKS, inject: [PrismaService, CAMPAIGN_ENV], useFactory: (prisma: PrismaService, env: CampaignEnv) => campaignHealthChecks(prisma, env) },
  ],
})
export class AppModule {}
