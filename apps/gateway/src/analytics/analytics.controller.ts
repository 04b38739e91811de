import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { FunnelQuery, FunnelResult } from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { HandleParams } from '../http/route-params';
import { GetFunnel } from './use-cases/get-funnel';

@Controller('v2/handles/:handle/analytics')
@UseGuards(JwtAuthGuard)
@MinRole('CREATOR')
export class AnalyticsController {
  constructor(private readonly getFunnel: GetFunnel) {}

  /** `?funnel=true[&campaignId=...]`; other analytics views are not offered yet, so `funnel=true` is required. */
  @Get()
  funnel(@Param() _params: HandleParams, @Query() query: FunnelQuery, @CurrentCaller() caller: Caller): Promise<FunnelResult> {
    return this.getFunnel.execute(caller, { campaignId: query.campaignId });
  }
}
