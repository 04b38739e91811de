import { forwardRef, Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { CampaignRepository, PrismaCampaignRepository } from './campaign.repository';
import { CampaignsController } from './campaigns.controller';
import { CheckCampaignHealth } from './use-cases/check-campaign-health';
import { ChangeCampaignStatus, GetCampaign, UpdateCampaign } from './use-cases/campaign-commands';
import { CreateCampaign } from './use-cases/create-campaign';
import { ListCampaigns } from './use-cases/list-campaigns';

/** Links reference campaigns and the health check reads links: the two modules import each other. */
@Module({
  imports: [forwardRef(() => LinksModule)],
  controllers: [CampaignsController],
  providers: [{ provide: CampaignRepository, useClass: PrismaCampaignRepository }, CreateCampaign, ListCampaigns, CheckCampaignHealth, GetCampaign, UpdateCampaign, ChangeCampaignStatus],
  exports: [CampaignRepository],
})
export class CampaignsModule {}
