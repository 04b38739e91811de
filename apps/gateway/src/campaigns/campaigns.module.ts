import { Module } from '@nestjs/common';
import { CampaignsController } from './campaigns.controller';
import { ComposeCampaignHealth } from './use-cases/compose-campaign-health';

@Module({ controllers: [CampaignsController], providers: [ComposeCampaignHealth] })
export class CampaignsModule {}
