import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC, RPCS, RpcReply, TokenView, VerifiedToken } from '@funnel/contracts';
import { serve } from '../platform/rpc/serve';
import { CreateToken, ListTokens, RevokeToken, VerifyToken } from './use-cases/token-commands';

/** Personal access tokens: managed per handle, verified for the gateway. */
const INVALID_TOKEN = { status: 401, error: 'invalid_token', message: 'The access token is invalid, expired or revoked.' };

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
    return serve(this.logger, RPCS.tokenCreate, raw, async (req) => {
      return this.createToken.execute({ handle: req.handle, requestId: req.requestId, actorSub: req.actor.sub, body: req.body });
    });
  }

  @MessagePattern(RPC.tokenList)
  list(@Payload() raw: unknown): Promise<RpcReply<{ tokens: TokenView[] }>> {
    return serve(this.logger, RPCS.tokenList, raw, (req) => this.listTokens.execute({ handle: req.handle }));
  }

  @MessagePattern(RPC.tokenRevoke)
  revoke(@Payload() raw: unknown): Promise<RpcReply<TokenView>> {
    return serve(this.logger, RPCS.tokenRevoke, raw, (req) =>
      this.revokeToken.execute({ handle: req.handle, requestId: req.requestId, tokenId: req.params.tokenId ?? '' }),
    );
  }

  @MessagePattern(RPC.tokenVerify)
  verify(@Payload() raw: unknown): Promise<RpcReply<VerifiedToken>> {
    // Whatever the gateway sent, a malformed hash is just an invalid token.
    return serve(this.logger, RPCS.tokenVerify, raw, (req) => this.verifyToken.execute({ tokenHash: req.body.tokenHash }), { invalidBody: INVALID_TOKEN });
  }
}
