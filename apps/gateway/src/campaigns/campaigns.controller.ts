import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CreateCampaignBody, CreateCampaignResult, HealthView, ListCampaignsQuery, RPC } from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { CampaignParams, HandleParams } from '../http/route-params';
import { RpcClient } from '../rpc/rpc.client';

/** Campaigns are owned by the campaign-service; the gateway validates and forwards. */
@Controller('v2/handles/:handle/campaigns')
@UseGuards(JwtAuthGuard)
@MinRole('CREATOR')
export class CampaignsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  create(@Param() _params: HandleParams, @Body() body: CreateCampaignBody, @CurrentCaller() caller: Caller): Promise<CreateCampaignResult> {
    return this.rpc.call(RPC.campaignCreate, caller, {}, body);
  }

  /** The reply is passed through as the campaign-service shapes it. */
  @Get()
  list(@Param() _params: HandleParams, @Query() query: ListCampaignsQuery, @CurrentCaller() caller: Caller): Promise<unknown> {
    return this.rpc.call(RPC.campaignList, caller, {}, query);
  }

  @Get(':campaignId/health')
  health(@Param() params: CampaignParams, @CurrentCaller() caller: Caller): Promise<HealthView> {
    return this.rpc.call(RPC.campaignHealth, caller, { campaignId: params.campaignId }, {});
  }
}
