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
} from '@funnel/contracts';
import { handleRpc } from '../rpc/handle-rpc';
import { validateBody } from '../rpc/rpc-request';
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
  ) {}

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
  list(@Payload() raw: unknown): Promise<RpcReply<{ campaigns: CampaignView[] }>> {
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
