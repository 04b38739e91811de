import { Module } from '@nestjs/common';
import { CampaignSnapshotsConsumer } from './campaign-snapshots.consumer';
import { ApplyCampaignSnapshots } from './use-cases/apply-campaign-snapshots';

@Module({
  providers: [ApplyCampaignSnapshots, CampaignSnapshotsConsumer],
})
export class CampaignsModule {}
