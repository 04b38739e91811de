import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateTokenBody, RPC, rpcFail, RpcReply, TokenView, VerifiedToken, VerifyTokenBody } from '@funnel/contracts';
import { handleRpc } from '../rpc/handle-rpc';
import { validateBody } from '../rpc/rpc-request';
import { CreateToken, ListTokens, RevokeToken, VerifyToken } from './use-cases/token-commands';

/** Personal access tokens: managed per handle, verified for the gateway. */
@Controller()
export class TokensController {
  private readonly logger = new Logger(TokensController.name);

  constructor(
    private readonly createToken: CreateToken,
    private readonly listTokens: ListTokens,
    private readonly revokeToken: RevokeToken,
    private readonly verifyToken: VerifyToken,
  ) {}

  @MessagePattern(RPC.tokenCreate)
  create(@Payload() raw: unknown): Promise<RpcReply<TokenView>> {
    return handleRpc(this.logger, RPC.tokenCreate, raw, async (req) => {
      const body = validateBody(CreateTokenBody, req.body);
      if (!body.ok) return body.reply;
      return this.createToken.execute({ handle: req.handle, requestId: req.requestId, actorSub: req.actorSub, body: body.value });
    });
  }

  @MessagePattern(RPC.tokenList)
  list(@Payload() raw: unknown): Promise<RpcReply<{ tokens: TokenView[] }>> {
    return handleRpc(this.logger, RPC.tokenList, raw, (req) => this.listTokens.execute({ handle: req.handle }));
  }

  @MessagePattern(RPC.tokenRevoke)
  revoke(@Payload() raw: unknown): Promise<RpcReply<TokenView>> {
    return handleRpc(this.logger, RPC.tokenRevoke, raw, (req) =>
      this.revokeToken.execute({ handle: req.handle, requestId: req.requestId, tokenId: req.params.tokenId ?? '' }),
    );
  }

  @MessagePattern(RPC.tokenVerify)
  verify(@Payload() raw: unknown): Promise<RpcReply<VerifiedToken>> {
    return handleRpc(this.logger, RPC.tokenVerify, raw, async (req) => {
      const body = validateBody(VerifyTokenBody, req.body);
      // Whatever the gateway sent, a malformed token is just an invalid one.
      if (!body.ok) return rpcFail(401, 'invalid_token', 'The access token is invalid, expired or revoked.');
      return this.verifyToken.execute({ token: body.value.token });
    });
  }
}
