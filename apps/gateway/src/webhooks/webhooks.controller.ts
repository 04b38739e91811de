import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CreateWebhookBody, RPC, WebhookView } from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { HandleParams } from '../http/route-params';
import { RpcClient } from '../rpc/rpc.client';

@Controller('v2/handles/:handle/webhooks')
@UseGuards(JwtAuthGuard)
@MinRole('CREATOR')
export class WebhooksController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  create(@Param() _params: HandleParams, @Body() body: CreateWebhookBody, @CurrentCaller() caller: Caller): Promise<WebhookView> {
    return this.rpc.call(RPC.webhookCreate, caller, {}, body);
  }
}
