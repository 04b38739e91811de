import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CampaignView,
  CreateCampaignBody,
  CreateCampaignResult,
  HealthView,
  ListCampaignsQuery,
  RPC,
  RpcReply,
  UpdateCampaignBody,
} from '@funnel/contracts';
import { handleRpc } from '../rpc/handle-rpc';
import { validateBody } from '../rpc/rpc-request';
import { ifMatchOf } from '../event-store/versioned-write';
import { ChangeCampaignStatus, GetCampaign, UpdateCampaign } from './use-cases/campaign-commands';
import { CheckCampaignHealth } from './use-cases/check-campaign-health';
import { CreateCampaign } from './use-cases/create-campaign';
import { CampaignPage, ListCampaigns } from './use-cases/list-campaigns';

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
    return handleRpc(this.logger, RPC.campaignGet, raw, (req) => this.getCampaign.execute({ handle: req.handle, campaignId: req.params.campaignId ?? '' }));
  }

  @MessagePattern(RPC.campaignUpdate)
  update(@Payload() raw: unknown): Promise<RpcReply<CampaignView>> {
    return handleRpc(this.logger, RPC.campaignUpdate, raw, async (req) => {
      const body = validateBody(UpdateCampaignBody, req.body);
      if (!body.ok) return body.reply;
      const { campaignId = '' } = req.params;
      return this.updateCampaign.execute({ handle: req.handle, requestId: req.requestId, campaignId, ifMatch: ifMatchOf(req.params), body: body.value });
    });
  }

  @MessagePattern(RPC.campaignActivate)
  activate(@Payload() raw: unknown): Promise<RpcReply<CampaignView>> {
    return handleRpc(this.logger, RPC.campaignActivate, raw, (req) =>
      this.changeStatus.execute({ handle: req.handle, requestId: req.requestId, campaignId: req.params.campaignId ?? '', ifMatch: ifMatchOf(req.params), action: 'activate' }),
    );
  }

  @MessagePattern(RPC.campaignPause)
  pause(@Payload() raw: unknown): Promise<RpcReply<CampaignView>> {
    return handleRpc(this.logger, RPC.campaignPause, raw, (req) =>
      this.changeStatus.execute({ handle: req.handle, requestId: req.requestId, campaignId: req.params.campaignId ?? '', ifMatch: ifMatchOf(req.params), action: 'pause' }),
    );
  }

  @MessagePattern(RPC.campaignCreate)
  create(@Payload() raw: unknown): Promise<RpcReply<CreateCampaignResult>> {
    return handleRpc(this.logger, RPC.campaignCreate, raw, async (req) => {
      const body = validateBody(CreateCampaignBody, req.body);
      if (!body.ok) return body.reply;
      return this.createCampaign.execute({ handle: req.handle, requestId: req.requestId, body: body.value });
    });
  }

  /** The query string arrives as the request body. */
  @MessagePattern(RPC.campaignList)
  list(@Payload() raw: unknown): Promise<RpcReply<CampaignPage>> {
    return handleRpc(this.logger, RPC.campaignList, raw, async (req) => {
      const query = validateBody(ListCampaignsQuery, req.body);
      if (!query.ok) return query.reply;
      return this.listCampaigns.execute({ handle: req.handle, query: query.value });
    });
  }

  @MessagePattern(RPC.campaignHealth)
  health(@Payload() raw: unknown): Promise<RpcReply<HealthView>> {
    return handleRpc(this.logger, RPC.campaignHealth, raw, (req) =>
      this.checkHealth.execute({ handle: req.handle, campaignId: req.params.campaignId ?? '' }),
    );
  }
}
