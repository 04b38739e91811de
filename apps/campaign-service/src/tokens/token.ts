import { randomBytes } from 'node:crypto';
import { Envelope, TokenCreatedV1, TokenRevokedV1, TokenView } from '@funnel/contracts';

export const TOKEN_AGGREGATE = 'token';

/** A personal access token as stored: the secret itself is never kept (nor seen: the gateway mints it), only its SHA-256 (`hashPat` in @funnel/auth). */
export interface TokenState {
  handle: string;
  tokenId: string;
  name: string;
  scopes: string[];
  secretHash: string;
  lastFour: string | null;
  createdBy: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function newTokenId(): string {
  return `tok_${randomBytes(8).toString('hex')}`;
}

export function applyTokenEvent(state: TokenState | null, event: Envelope<object>): TokenState {
  const at = new Date(event.occurredAt);
  if (!state && event.type === TokenCreatedV1.type && event.version === TokenCreatedV1.version) {
    const p = event.payload as TokenCreatedV1;
    return {
      handle: event.handle,
      tokenId: p.tokenId,
      name: p.name,
      scopes: [...p.scopes],
      secretHash: p.secretHash,
      lastFour: p.lastFour ?? null,
      createdBy: p.createdBy,
      expiresAt: p.expiresAt ? new Date(p.expiresAt) : null,
      revokedAt: null,
      version: event.aggregateVersion,
      createdAt: at,
      updatedAt: at,
    };
  }
  if (state && event.type === TokenRevokedV1.type && event.version === TokenRevokedV1.version) {
    return { ...state, revokedAt: at, version: event.aggregateVersion, updatedAt: at };
  }
  throw new Error(`cannot apply ${event.type} v${event.version} to token ${event.aggregateId} at version ${state?.version ?? 0}`);
}

export function foldToken(events: Array<Envelope<object>>): TokenState | null {
  return events.reduce<TokenState | null>((state, e) => applyTokenEvent(state, e), null);
}

export function toTokenView(s: TokenState): TokenView {
  return {
    tokenId: s.tokenId,
    name: s.name,
    scopes: [...s.scopes],
    expiresAt: s.expiresAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    revokedAt: s.revokedAt?.toISOString() ?? null,
    lastFour: s.lastFour,
  };
}
