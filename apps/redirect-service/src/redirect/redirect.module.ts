import { Module } from '@nestjs/common';
import type { RedirectEnv } from '@funnel/config';
import { REDIRECT_ENV } from '../core/tokens';
import { ClickRateWindow } from './click-rate';
import { ClicksModule } from '../clicks/clicks.module';
import { LinkTableModule } from '../link-table/link-table.module';
import { RedirectRoutes } from './redirect.routes';
import { RedirectLink } from './use-cases/redirect-link';

@Module({
  imports: [LinkTableModule, ClicksModule],
  providers: [
    RedirectLink,
    RedirectRoutes,
    {
      provide: ClickRateWindow,
      inject: [REDIRECT_ENV],
      useFactory: (env: RedirectEnv) =>
        new ClickRateWindow({ maxClicks: env.BOT_RATE_MAX_CLICKS, windowMs: env.BOT_RATE_WINDOW_MS, maxAddresses: env.BOT_RATE_MAX_ADDRESSES }),
    },
  ],
})
export class RedirectModule {}
