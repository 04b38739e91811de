import { ArrayMaxSize, ArrayUnique, IsArray, IsDateString, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { defineRpc, EmptyBody } from '../rpc/define-rpc';
import { PAT_SCOPES, PatScope } from './access';

export class CreateTokenBody {
  @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @IsArray() @ArrayMaxSize(PAT_SCOPES.length) @ArrayUnique() @IsIn(PAT_SCOPES, { each: true }) scopes!: PatScope[];
  /** ISO 8601 instant in the future; omitted = never expires. */
  @IsOptional() @IsDateString() expiresAt?: string;
}

export interface TokenView {
  tokenId: string;
  name: string;
  scopes: string[];
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
  /** Only in the reply to POST .../tokens; never stored, never shown again. */
  token?: string;
}

export class VerifyTokenBody {
  @IsString() @MaxLength(200) token!: string;
}

export interface VerifiedToken {
  tokenId: string;
  handle: string;
  scopes: string[];
}

/** Personal access token requests, answered by the campaign-service. */
export const TOKEN_RPC = {
  tokenCreate: defineRpc('funnel.rpc.token.create', CreateTokenBody)<TokenView>(),
  tokenList: defineRpc('funnel.rpc.token.list', EmptyBody)<{ tokens: TokenView[] }>(),
  tokenRevoke: defineRpc('funnel.rpc.token.revoke', EmptyBody)<TokenView>(),
  /** 401 invalid_token when unknown, revoked or expired. */
  tokenVerify: defineRpc('funnel.rpc.token.verify', VerifyTokenBody)<VerifiedToken>(),
} as const;
