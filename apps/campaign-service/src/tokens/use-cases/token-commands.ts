import { Injectable } from '@nestjs/common';
import { createEnvelope, CreateTokenBody, fail, Failure, ok, PAT_PREFIX, Result, TokenCreatedV1, TokenRevokedV1, TokenView, VerifiedToken } from '@funnel/contracts';
import { versionedWrite } from '../../platform/event-store/versioned-write';
import { applyTokenEvent, hashTokenSecret, newTokenId, newTokenSecret, TokenState, toTokenView } from '../token';
import { TokenRepository } from '../token.repository';

const TOKEN_ID = /^tok_[0-9a-f]{16}$/;
const tokenNotFound = (tokenId: string): Failure => fail('token_not_found', `Token '${tokenId}' does not exist.`);

/** Creates a PAT and returns its secret once; only the SHA-256 is stored. */
@Injectable()
export class CreateToken {
  constructor(private readonly tokens: TokenRepository) {}

  async execute({ handle, requestId, actorSub, body, now = new Date() }: { handle: string; requestId: string; actorSub: string; body: CreateTokenBody; now?: Date }): Promise<Result<TokenView>> {
    if (body.expiresAt !== undefined && new Date(body.expiresAt).getTime() <= now.getTime()) {
      return fail('validation_failed', 'expiresAt must be in the future.', [{ field: 'expiresAt', message: 'expiresAt must be in the future', code: 'in_the_past' }]);
    }
    const secret = newTokenSecret();
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
        secretHash: hashTokenSecret(secret),
        createdBy: actorSub,
      },
    });
    const token = applyTokenEvent(null, event);
    await this.tokens.save(token, [event]);
    return ok({ ...toTokenView(token), token: secret });
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

/** For the gateway: who a PAT belongs to and what it may do; 401 for anything unknown, revoked or expired. */
@Injectable()
export class VerifyToken {
  constructor(private readonly tokens: TokenRepository) {}

  async execute({ token, now = new Date() }: { token: string; now?: Date }): Promise<Result<VerifiedToken>> {
    const invalid = fail('invalid_token', 'The access token is invalid, expired or revoked.');
    if (!token.startsWith(PAT_PREFIX)) return invalid;
    const found = await this.tokens.findByHash(hashTokenSecret(token));
    if (!found || found.revokedAt || (found.expiresAt && found.expiresAt.getTime() <= now.getTime())) return invalid;
    return ok({ tokenId: found.tokenId, handle: found.handle, scopes: [...found.scopes] });
  }
}
