import { Body, Controller, Delete, Get, Param, Put, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { LinkView, ListLinksQuery, PutLinkBody, RPCS } from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { AuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { Scopes } from '../auth/scopes.decorator';
import { EtagInterceptor, IfMatch } from '../platform/http/etag';
import { HandleParams, LinkParams } from '../platform/http/route-params';
import { RpcClient } from '../platform/rpc/rpc.client';

@Controller(['v2/handles/:handle/links', 'v2/public/handles/:handle/links'])
@UseGuards(AuthGuard)
@UseInterceptors(EtagInterceptor)
export class LinksController {
  constructor(private readonly rpc: RpcClient) {}

  /** `?campaignId=&cursor=&limit=` → `{ links, nextCursor }` by slug. */
  @Get()
  @MinRole('VIEWER')
  @Scopes('campaigns.read')
  list(@Param() _params: HandleParams, @Query() query: ListLinksQuery, @CurrentCaller() caller: Caller): Promise<{ links: LinkView[]; nextCursor: string | null }> {
    return this.rpc.call(RPCS.linkList, caller, {}, query);
  }

  @Get(':slug')
  @MinRole('VIEWER')
  @Scopes('campaigns.read')
  get(@Param() params: LinkParams, @CurrentCaller() caller: Caller): Promise<LinkView> {
    return this.rpc.call(RPCS.linkGet, caller, { slug: params.slug }, {});
  }

  /** Create or replace: PUT is idempotent, so 200 either way. */
  @Put(':slug')
  @MinRole('CREATOR')
  @Scopes('campaigns.write')
  put(@Param() params: LinkParams, @Body() body: PutLinkBody, @IfMatch() ifMatch: Record<string, string>, @CurrentCaller() caller: Caller): Promise<LinkView> {
    return this.rpc.call(RPCS.linkPut, caller, { slug: params.slug, ...ifMatch }, body);
  }

  /** The redirect edge stops serving the slug once the tombstone reaches it. */
  @Delete(':slug')
  @MinRole('CREATOR')
  @Scopes('campaigns.write')
  remove(@Param() params: LinkParams, @IfMatch() ifMatch: Record<string, string>, @CurrentCaller() caller: Caller): Promise<{ deleted: true; slug: string; version: number }> {
    return this.rpc.call(RPCS.linkDelete, caller, { slug: params.slug, ...ifMatch }, {});
  }
}
