import { Module } from '@nestjs/common';
import { ClicksModule } from '../clicks/clicks.module';
import { LinkTableModule } from '../link-table/link-table.module';
import { RedirectRoutes } from './redirect.routes';
import { RedirectLink } from './use-cases/redirect-link';

@Module({
  imports: [LinkTableModule, ClicksModule],
  providers: [RedirectLink, RedirectRoutes],
})
export class RedirectModule {}
