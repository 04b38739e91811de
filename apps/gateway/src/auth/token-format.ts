import { PAT_PATTERN, PAT_PREFIX } from '@funnel/contracts';

/**
 * What a bearer token looks like, judged without any I/O: a token that cannot be valid is refused
 * at the gateway, before a signature check or a tokenVerify RPC spends anything on it.
 */
export type TokenForm = 'pat' | 'jwt' | 'malformed';

/** Ours are well under 1 KiB (three short claims); anything this long is not one of them. */
export const JWT_MAX_LENGTH = 2048;

/** Three non-empty base64url parts (header, claims, signature), no padding. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function isWellFormedPat(token: string): boolean {
  return PAT_PATTERN.test(token);
}

export function isWellFormedJwt(token: string): boolean {
  return token.length <= JWT_MAX_LENGTH && JWT_SHAPE.test(token);
}

/** A token with the PAT prefix is judged as a PAT only, so a malformed PAT is never tried as a JWT. */
export function tokenForm(token: string): TokenForm {
  if (token.startsWith(PAT_PREFIX)) return isWellFormedPat(token) ? 'pat' : 'malformed';
  return isWellFormedJwt(token) ? 'jwt' : 'malformed';
}
