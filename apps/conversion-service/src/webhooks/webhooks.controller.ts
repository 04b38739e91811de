import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateWebhookBody, RPC, RpcReply, rpcFail, rpcOk, WebhookView } from '@funnel/contracts';
import { parseRpcRequest } from '../infra/rpc-request';
import { CreateWebhook } from './use-cases/create-webhook';

@Controller()
export class WebhooksController {
  private readonly logger = new Logger(WebhooksController.name);

  constructor(private readonly createWebhook: CreateWebhook) {}

  @MessagePattern(RPC.webhookCreate)
  async create(@Payload() raw: unknown): Promise<RpcReply<WebhookView>> {
    const parsed = await parseRpcRequest(raw, CreateWebhookBody);
    if (!parsed.ok) return parsed.reply;
    const { handle, body } = parsed.request;
    try {
      const result = await this.createWebhook.execute({ handle, url: body.url, events: body.events, enabled: body.enabled ?? true });
      if (!result.ok) {
        return rpcFail(400, result.error, `url refused: ${result.reason}`, [{ field: 'url', message: result.reason, code: result.error }]);
      }
      return rpcOk(result.webhook);
    } catch (e) {
      this.logger.error(`create webhook failed: ${(e as Error).message}`);
      return rpcFail(503, 'service_unavailable', 'the webhook could not be stored, retry later');
    }
  }
}
