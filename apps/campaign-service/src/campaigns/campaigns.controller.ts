import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CampaignPage, CampaignView, CreateCampaignResult, HealthView, RPC, RPCS, RpcReply } from '@funnel/contracts';
import { serve } from '../platform/rpc/serve';
import { ifMatchOf } from '../platform/event-store/versioned-write';
import { ChangeCampaignStatus, GetCampaign, UpdateCampaign } from './use-cases/campaign-commands';
import { CheckCampaignHealth } from './use-cases/check-campaign-health';
import { CreateCampaign } from './use-cases/create-campaign';
import { ListCampaigns } from './use-cases/list-campaigns';

/** Campaign RPCs from the gateway: validate again, map to a command, run the use case. */
@Controller()
export class CampaignsController {
  private readonly logger = new Logger(CampaignsController.name);

  constructor(
    private readonly createCampaign: CreateCampaign,
    private readonly listCampaigns: ListCampaigns,
    private readonly checkHealth: CheckCampaignHealth,
    private readonly getCampaign: GetCampaign,
    private readonly updateCampaign: UpdateCampaign,
    private readonly changeStatus: ChangeCampaignStatus,
  ) {}

  @MessagePattern(RPC.campaignGet)
  get(@Payload() raw: unknown): Promise<RpcReply<CampaignView>> {
    return serve(this.logger, RPCS.campaignGet, raw, (req) => this.getCampaign.execute({ handle: req.handle, campaignId: req.params.campaignId ?? '' }));
  }

  @MessagePattern(RPC.campaignUpdate)
  update(@Payload() raw: unknown): Promise<RpcReply<CampaignView>> {
    return serve(this.logger, RPCS.campaignUpdate, raw, async (req) => {
      const { campaignId = '' } = req.params;
      return this.updateCampaign.execute({ handle: req.handle, requestId: req.requestId, campaignId, ifMatch: ifMatchOf(req.params), body: req.body });
    });
  }

  @MessagePattern(RPC.campaignActivate)
  activate(@Payload() raw: unknown): Promise<RpcReply<CampaignView>> {
    return serve(this.logger, RPCS.campaignActivate, raw, (req) =>
      this.changeStatus.execute({ handle: req.handle, requestId: req.requestId, campaignId: req.params.campaignId ?? '', ifMatch: ifMatchOf(req.params), action: 'activate' }),
    );
  }

  @MessagePattern(RPC.campaignPause)
  pause(@Payload() raw: unknown): Promise<RpcReply<CampaignView>> {
    return serve(this.logger, RPCS.campaignPause, raw, (req) =>
      this.changeStatus.execute({ handle: req.handle, requestId: req.requestId, campaignId: req.params.campaignId ?? '', ifMatch: ifMatchOf(req.params), action: 'pause' }),
    );
  }

  @MessagePattern(RPC.campaignCreate)
  create(@Payload() raw: unknown): Promise<RpcReply<CreateCampaignResult>> {
    return serve(this.logger, RPCS.campaignCreate, raw, async (req) => {
      return this.createCampaign.execute({ handle: req.handle, requestId: req.requestId, body: req.body });
    });
  }

  /** The query string arrives as the request body. */
  @MessagePattern(RPC.campaignList)
  list(@Payload() raw: unknown): Promise<RpcReply<CampaignPage>> {
    return serve(this.logger, RPCS.campaignList, raw, async (req) => {
      return this.listCampaigns.execute({ handle: req.handle, query: req.body });
    });
  }

  @MessagePattern(RPC.campaignHealth)
  health(@Payload() raw: unknown): Promise<RpcReply<HealthView>> {
    return serve(this.logger, RPCS.campaignHealth, raw, (req) =>
      this.checkHealth.execute({ handle: req.handle, campaignId: req.params.campaignId ?? '' }),
    );
  }
}
