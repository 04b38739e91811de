import { IsArray, IsDateString, IsOptional, IsString } from 'class-validator';

/**
 * token.created v1 — a personal access token. Only the SHA-256 of the secret (and its last four characters) is kept; these
 * events stay in the campaign-service event store and are not published.
 */
export class TokenCreatedV1 {
  static readonly type = 'token.created';
  static readonly version = 1;
  @IsString() tokenId!: string;
  @IsString() name!: string;
  @IsArray() @IsString({ each: true }) scopes!: string[];
  @IsOptional() @IsDateString() expiresAt!: string | null;
  @IsString() secretHash!: string;
  /** The token's last four characters, for display (absent in events written before they were kept). */
  @IsOptional() @IsString() lastFour?: string | null;
  @IsString() createdBy!: string;
}
