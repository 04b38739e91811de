import { ArrayMaxSize, ArrayUnique, IsArray, IsDateString, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { defineRpc, EmptyBody } from '../rpc/define-rpc';
import { PAT_SCOPES, PatScope } from './access';

export class CreateTokenBody {
  @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @IsArray() @ArrayMaxSize(PAT_SCOPES.length) @ArrayUnique() @IsIn(PAT_SCOPES, { each: true }) scopes!: PatScope[];
  /** ISO 8601 instant in the future; omitted = never expires. */
  @IsOptional() @IsDateString() expiresAt?: string;
}

/** A PAT's SHA-256 as it travels (hex): the only form of a PAT ever put on the bus. */
const PAT_HASH = /^[0-9a-f]{64}$/;

/** What the gateway sends to create a PAT: it mints the secret itself and hands over only its hash. */
export class CreateTokenRpcBody extends CreateTokenBody {
  @Matches(PAT_HASH, { message: 'secretHash must be a hex SHA-256' }) secretHash!: string;
  /** The token's last four characters (`patLastFour`), for display. */
  @Matches(/^[A-Za-z0-9_-]{4}$/, { message: 'lastFour must be 4 base64url characters' }) lastFour!: string;
}

export interface TokenView {
  tokenId: string;
  name: string;
  scopes: string[];
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
  /** The token's last four characters, to tell tokens apart (`fnl_pat_…abcd`); null for tokens made before they were kept. */
  lastFour: string | null;
  /** Only in the gateway's HTTP reply to POST .../tokens (the gateway minted it); never stored, never on the bus. */
  token?: string;
}

/** The SHA-256 of the presented token (`hashPat` in @funnel/auth), never the token. */
export class VerifyTokenBody {
  @Matches(PAT_HASH, { message: 'tokenHash must be a hex SHA-256' }) tokenHash!: string;
}

export interface VerifiedToken {
  tokenId: string;
  handle: string;
  scopes: string[];
}

/** Personal access token requests, answered by the campaign-service. */
export const TOKEN_RPC = {
  tokenCreate: defineRpc('funnel.rpc.token.create', CreateTokenRpcBody)<TokenView>(),
  tokenList: defineRpc('funnel.rpc.token.list', EmptyBody)<{ tokens: TokenView[] }>(),
  tokenRevoke: defineRpc('funnel.rpc.token.revoke', EmptyBody)<TokenView>(),
  /** 401 invalid_token when unknown, revoked or expired. */
  tokenVerify: defineRpc('funnel.rpc.token.verify', VerifyTokenBody)<VerifiedToken>(),
} as const;
