import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { hashPat, newPatSecret, patLastFour } from '@funnel/auth';
import { CreateTokenBody, RPCS, TokenView } from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { AuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { HandleParams, TokenParams } from '../platform/http/route-params';
import { RpcClient } from '../platform/rpc/rpc.client';

/**
 * Personal access tokens, managed with a JWT only (a PAT cannot mint PATs). CREATOR or above:
 * every scope is within a CREATOR's own powers, so a token never grants more than its maker has.
 */
@Controller('v2/handles/:handle/tokens')
@UseGuards(AuthGuard)
@MinRole('CREATOR')
export class TokensController {
  constructor(private readonly rpc: RpcClient) {}

  /**
   * The gateway mints the secret and sends only its hash to the campaign-service, so the secret
   * is never on the bus nor stored; the HTTP reply holds `token` this once.
   */
  @Post()
  @HttpCode(201)
  async create(@Param() _params: HandleParams, @Body() body: CreateTokenBody, @CurrentCaller() caller: Caller): Promise<TokenView> {
    const token = newPatSecret();
    const created = await this.rpc.call(RPCS.tokenCreate, caller, {}, { ...body, secretHash: hashPat(token), lastFour: patLastFour(token) });
    return { ...created, token };
  }

  @Get()
  list(@Param() _params: HandleParams, @CurrentCaller() caller: Caller): Promise<{ tokens: TokenView[] }> {
    return this.rpc.call(RPCS.tokenList, caller, {}, {});
  }

  /** Revocation applies to the next request: PATs are verified on every request, nothing is cached. */
  @Delete(':tokenId')
  revoke(@Param() params: TokenParams, @CurrentCaller() caller: Caller): Promise<TokenView> {
    return this.rpc.call(RPCS.tokenRevoke, caller, { tokenId: params.tokenId }, {});
  }
}
