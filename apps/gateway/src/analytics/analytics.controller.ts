import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { AnalyticsQuery } from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { AuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { Scopes } from '../auth/scopes.decorator';
import { HandleParams } from '../platform/http/route-params';
import { AnalyticsAnswer, QueryAnalytics } from './use-cases/query-analytics';

/** Seed 000: CREATOR-level JWT or above; a PAT with analytics.read (or analytics.*) on the public mount. */
@Controller(['v2/handles/:handle/analytics', 'v2/public/handles/:handle/analytics'])
@UseGuards(AuthGuard)
export class AnalyticsController {
  constructor(private readonly queryAnalytics: QueryAnalytics) {}

  /** `?funnel=true[&campaignId]`, `?groupBy=segment|botReason&campaignId`, `?granularity=hour|day|month[&timeZone&from&to&campaignId]`. */
  @Get()
  @MinRole('CREATOR')
  @Scopes('analytics.read')
  analytics(@Param() _params: HandleParams, @Query() query: AnalyticsQuery, @CurrentCaller() caller: Caller): Promise<AnalyticsAnswer> {
    return this.queryAnalytics.execute(caller, query);
  }
}
