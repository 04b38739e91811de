import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FunnelResult, RPC, RpcReply, rpcFail, rpcOk } from '@funnel/contracts';
import { parseFunnelRequest } from './funnel-request';
import { GetFunnel } from './use-cases/get-funnel';

/** RPC.analyticsFunnel from the gateway. Never throws across the transport: every failure is a reply. */
@Controller()
export class FunnelController {
  private readonly logger = new Logger(FunnelController.name);

  constructor(private readonly getFunnel: GetFunnel) {}

  @MessagePattern(RPC.analyticsFunnel)
  async funnel(@Payload() raw: unknown): Promise<RpcReply<FunnelResult>> {
    const request = parseFunnelRequest(raw);
    if (!request.ok) return request.reply;
    const { handle, requestId, campaignId } = request.value;
    try {
      return rpcOk(await this.getFunnel.execute({ handle, campaignId }));
    } catch (e) {
      this.logger.error(`funnel query failed for handle ${handle} (request ${requestId}): ${(e as Error).message}`);
      return rpcFail(503, 'analytics_unavailable', 'Analytics are temporarily unavailable; try again shortly.');
    }
  }
}
