import { IsString } from 'class-validator';

/** token.revoked v1 — the token stops working at once. */
export class TokenRevokedV1 {
  static readonly type = 'token.revoked';
  static readonly version = 1;
  @IsString() tokenId!: string;
}
