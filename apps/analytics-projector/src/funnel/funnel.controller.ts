import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FunnelResult, RPC, RPCS, RpcReply, rpcOk } from '@funnel/contracts';
import { serveRpc } from '@funnel/kafka';
import { ANALYTICS_UNAVAILABLE } from '../analytics/analytics.controller';
import { GetFunnel } from './use-cases/get-funnel';

/** RPC.analyticsFunnel from the gateway. Never throws across the transport: every failure is a reply. */
@Controller()
export class FunnelController {
  private readonly logger = new Logger(FunnelController.name);

  constructor(private readonly getFunnel: GetFunnel) {}

  @MessagePattern(RPC.analyticsFunnel)
  funnel(@Payload() raw: unknown): Promise<RpcReply<FunnelResult>> {
    return serveRpc(
      RPCS.analyticsFunnel,
      raw,
      async ({ handle, body }) => rpcOk(await this.getFunnel.execute({ handle, campaignId: body.campaignId, breakdownLimit: body.breakdownLimit })),
      { logger: this.logger, onFailure: ANALYTICS_UNAVAILABLE },
    );
  }
}
