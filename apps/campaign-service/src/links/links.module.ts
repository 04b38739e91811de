import { forwardRef, Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { LinkRepository, PrismaLinkRepository } from './link.repository';
import { LinksController } from './links.controller';
import { PutLink } from './use-cases/put-link';

@Module({
  imports: [forwardRef(() => CampaignsModule)],
  controllers: [LinksController],
  providers: [{ provide: LinkRepository, useClass: PrismaLinkRepository }, PutLink],
  exports: [LinkRepository],
})
export class LinksModule {}
