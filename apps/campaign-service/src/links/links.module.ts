import { forwardRef, Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { LinkRepository, PrismaLinkRepository } from './link.repository';
import { LinksController } from './links.controller';
import { DeleteLink, GetLink, ListLinks } from './use-cases/link-commands';
import { PutLink } from './use-cases/put-link';

@Module({
  imports: [forwardRef(() => CampaignsModule)],
  controllers: [LinksController],
  providers: [{ provide: LinkRepository, useClass: PrismaLinkRepository }, PutLink, GetLink, DeleteLink, ListLinks],
  exports: [LinkRepository],
})
export class LinksModule {}
