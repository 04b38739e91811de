import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { LinkView, PutLinkBody, RPC } from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { LinkParams } from '../http/route-params';
import { RpcClient } from '../rpc/rpc.client';

@Controller('v2/handles/:handle/links')
@UseGuards(JwtAuthGuard)
@MinRole('CREATOR')
export class LinksController {
  constructor(private readonly rpc: RpcClient) {}

  /** Create or replace: PUT is idempotent, so 200 either way. */
  @Put(':slug')
  put(@Param() params: LinkParams, @Body() body: PutLinkBody, @CurrentCaller() caller: Caller): Promise<LinkView> {
    return this.rpc.call(RPC.linkPut, caller, { slug: params.slug }, body);
  }
}
