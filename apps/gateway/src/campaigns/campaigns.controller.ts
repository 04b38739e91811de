import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  CampaignView,
  CreateCampaignBody,
  CreateCampaignResult,
  HealthView,
  LinkView,
  ListCampaignsQuery,
  ListLinksQuery,
  RPCS,
  UpdateCampaignBody,
} from '@funnel/contracts';
import type { AnyPrincipal } from '@funnel/auth';
import { Caller, CurrentCaller, CurrentPrincipal } from '../auth/caller.decorator';
import { AuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { Scopes } from '../auth/scopes.decorator';
import { mayReadWebhooks } from '../auth/webhook-access';
import { EtagInterceptor, IfMatch } from '../platform/http/etag';
import { CampaignParams, HandleParams } from '../platform/http/route-params';
import { RpcClient } from '../platform/rpc/rpc.client';
import { ComposeCampaignHealth } from './use-cases/compose-campaign-health';

/** Campaigns are owned by the campaign-service; the gateway validates and forwards. JWT and PAT mounts share these handlers. */
@Controller(['v2/handles/:handle/campaigns', 'v2/public/handles/:handle/campaigns'])
@UseGuards(AuthGuard)
@UseInterceptors(EtagInterceptor)
export class CampaignsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly composeHealth: ComposeCampaignHealth,
  ) {}

  @Post()
  @HttpCode(201)
  @MinRole('CREATOR')
  @Scopes('campaigns.write')
  create(@Param() _params: HandleParams, @Body() body: CreateCampaignBody, @CurrentCaller() caller: Caller): Promise<CreateCampaignResult> {
    return this.rpc.call(RPCS.campaignCreate, caller, {}, body);
  }

  /** `?status=&cursor=&limit=` → `{ campaigns, nextCursor }`, newest first. */
  @Get()
  @MinRole('VIEWER')
  @Scopes('campaigns.read')
  list(@Param() _params: HandleParams, @Query() query: ListCampaignsQuery, @CurrentCaller() caller: Caller): Promise<unknown> {
    return this.rpc.call(RPCS.campaignList, caller, {}, query);
  }

  @Get(':campaignId')
  @MinRole('VIEWER')
  @Scopes('campaigns.read')
  get(@Param() params: CampaignParams, @CurrentCaller() caller: Caller): Promise<CampaignView> {
    return this.rpc.call(RPCS.campaignGet, caller, { campaignId: params.campaignId }, {});
  }

  @Patch(':campaignId')
  @MinRole('CREATOR')
  @Scopes('campaigns.write')
  update(
    @Param() params: CampaignParams,
    @Body() body: UpdateCampaignBody,
    @IfMatch() ifMatch: Record<string, string>,
    @CurrentCaller() caller: Caller,
  ): Promise<CampaignView> {
    return this.rpc.call(RPCS.campaignUpdate, caller, { campaignId: params.campaignId, ...ifMatch }, body);
  }

  @Post(':campaignId/activate')
  @HttpCode(200)
  @MinRole('CREATOR')
  @Scopes('campaigns.write')
  activate(@Param() params: CampaignParams, @IfMatch() ifMatch: Record<string, string>, @CurrentCaller() caller: Caller): Promise<CampaignView> {
    return this.rpc.call(RPCS.campaignActivate, caller, { campaignId: params.campaignId, ...ifMatch }, {});
  }

  @Post(':campaignId/pause')
  @HttpCode(200)
  @MinRole('CREATOR')
  @Scopes('campaigns.write')
  pause(@Param() params: CampaignParams, @IfMatch() ifMatch: Record<string, string>, @CurrentCaller() caller: Caller): Promise<CampaignView> {
    return this.rpc.call(RPCS.campaignPause, caller, { campaignId: params.campaignId, ...ifMatch }, {});
  }

  /** The campaign's links: the same list as GET .../links?campaignId=, after checking the campaign exists. */
  @Get(':campaignId/links')
  @MinRole('VIEWER')
  @Scopes('campaigns.read')
  async links(
    @Param() params: CampaignParams,
    @Query() query: ListLinksQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<{ links: LinkView[]; nextCursor: string | null }> {
    await this.rpc.call(RPCS.campaignGet, caller, { campaignId: params.campaignId }, {});
    return this.rpc.call(RPCS.linkList, caller, {}, { ...query, campaignId: params.campaignId });
  }

  @Get(':campaignId/health')
  @MinRole('VIEWER')
  @Scopes('campaigns.read')
  health(@Param() params: CampaignParams, @CurrentCaller() caller: Caller, @CurrentPrincipal() principal: AnyPrincipal): Promise<HealthView> {
    // VIEWERs and PATs may read health but not webhooks: the receiver URL is left out for them.
    return this.composeHealth.execute(caller, params.campaignId, { showWebhookUrls: mayReadWebhooks(principal) });
  }
}
