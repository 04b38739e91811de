import { Injectable } from '@nestjs/common';
import { createEnvelope, CreateTokenRpcBody, fail, Failure, ok, Result, TokenCreatedV1, TokenRevokedV1, TokenView, VerifiedToken } from '@funnel/contracts';
import { versionedWrite } from '../../platform/event-store/versioned-write';
import { applyTokenEvent, newTokenId, TokenState, toTokenView } from '../token';
import { TokenRepository } from '../token.repository';

const TOKEN_ID = /^tok_[0-9a-f]{16}$/;
const tokenNotFound = (tokenId: string): Failure => fail('token_not_found', `Token '${tokenId}' does not exist.`);

/** Records a PAT the gateway minted: this service only ever sees (and stores) its SHA-256. */
@Injectable()
export class CreateToken {
  constructor(private readonly tokens: TokenRepository) {}

  async execute({ handle, requestId, actorSub, body, now = new Date() }: { handle: string; requestId: string; actorSub: string; body: CreateTokenRpcBody; now?: Date }): Promise<Result<TokenView>> {
    if (body.expiresAt !== undefined && new Date(body.expiresAt).getTime() <= now.getTime()) {
      return fail('validation_failed', 'expiresAt must be in the future.', [{ field: 'expiresAt', message: 'expiresAt must be in the future', code: 'in_the_past' }]);
    }
    const tokenId = newTokenId();
    const event = createEnvelope({
      type: TokenCreatedV1.type,
      version: TokenCreatedV1.version,
      handle,
      aggregateId: tokenId,
      aggregateVersion: 1,
      correlationId: requestId || undefined,
      payload: {
        tokenId,
        name: body.name,
        scopes: [...body.scopes],
        expiresAt: body.expiresAt ? new Date(body.expiresAt).toISOString() : null,
        secretHash: body.secretHash,
        lastFour: body.lastFour,
        createdBy: actorSub,
      },
    });
    const token = applyTokenEvent(null, event);
    await this.tokens.save(token, [event]);
    return ok(toTokenView(token));
  }
}

@Injectable()
export class ListTokens {
  constructor(private readonly tokens: TokenRepository) {}

  async execute({ handle }: { handle: string }): Promise<Result<{ tokens: TokenView[] }>> {
    return ok({ tokens: (await this.tokens.list(handle)).map(toTokenView) });
  }
}

/** Revocation takes effect at once: every PAT request is verified against this read model. */
@Injectable()
export class RevokeToken {
  constructor(private readonly tokens: TokenRepository) {}

  async execute({ handle, requestId, tokenId }: { handle: string; requestId: string; tokenId: string }): Promise<Result<TokenView>> {
    if (!TOKEN_ID.test(tokenId)) return tokenNotFound(tokenId);
    const result = await versionedWrite<TokenState>({
      load: () => this.tokens.find(handle, tokenId),
      save: (state, events) => this.tokens.save(state, events),
      decide: (current) => {
        if (!current) return tokenNotFound(tokenId);
        if (current.revokedAt) return { ok: true, state: current, events: [] };
        const event = createEnvelope({
          type: TokenRevokedV1.type,
          version: TokenRevokedV1.version,
          handle,
          aggregateId: tokenId,
          aggregateVersion: current.version + 1,
          correlationId: requestId || undefined,
          payload: { tokenId },
        });
        return { ok: true, state: applyTokenEvent(current, event), events: [event] };
      },
    });
    return result.ok ? ok(toTokenView(result.state)) : result;
  }
}

/** For the gateway, by the token's hash: who a PAT belongs to and what it may do; 401 for anything unknown, revoked or expired. */
@Injectable()
export class VerifyToken {
  constructor(private readonly tokens: TokenRepository) {}

  async execute({ tokenHash, now = new Date() }: { tokenHash: string; now?: Date }): Promise<Result<VerifiedToken>> {
    const invalid = fail('invalid_token', 'The access token is invalid, expired or revoked.');
    const found = await this.tokens.findByHash(tokenHash);
    if (!found || found.revokedAt || (found.expiresAt && found.expiresAt.getTime() <= now.getTime())) return invalid;
    return ok({ tokenId: found.tokenId, handle: found.handle, scopes: [...found.scopes] });
  }
}
