import jwt, { SignOptions } from 'jsonwebtoken';
import { HANDLE_PATTERN, Role } from '@funnel/contracts';
import { isRole } from './roles';

/** The only algorithm accepted: a shared-secret HMAC. Anything else (none, RS256 with a guessed key) is refused. */
export const JWT_ALGORITHM = 'HS256';
export const MIN_SECRET_LENGTH = 16;

/** Who is calling, as proven by a verified token. */
export interface Principal {
  sub: string;
  handle: string;
  role: Role;
  expiresAt: Date;
}

export type TokenFailureReason =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'missing_claims'
  | 'invalid_claims';

export type VerifyResult = { ok: true; principal: Principal } | { ok: false; reason: TokenFailureReason; message: string };

/** A number of seconds, or a duration such as "90s", "15m", "12h", "7d". */
export type TokenLifetime = number | string;

const LIFETIME_PATTERN = /^[1-9]\d*(s|m|h|d|w)?$/;

export interface DevTokenInput {
  sub: string;
  handle: string;
  role: Role;
  secret: string;
  expiresIn: TokenLifetime;
}

export function isTokenLifetime(value: TokenLifetime): boolean {
  return typeof value === 'number' ? Number.isInteger(value) && value > 0 : LIFETIME_PATTERN.test(value);
}

/** Signs a token for development and tests; refuses inputs that verifyToken would reject. */
export function signDevToken(input: DevTokenInput): string {
  if (input.secret.length < MIN_SECRET_LENGTH) throw new Error(`secret must be at least ${MIN_SECRET_LENGTH} characters`);
  if (!input.sub.trim()) throw new Error('sub must not be empty');
  if (!HANDLE_PATTERN.test(input.handle)) throw new Error(`handle must match ${HANDLE_PATTERN.source}`);
  if (!isRole(input.role)) throw new Error(`unknown role ${String(input.role)}`);
  if (!isTokenLifetime(input.expiresIn)) throw new Error(`expiresIn must be a positive number of seconds or a duration like 12h`);
  // A bare numeric string would be read as milliseconds by jsonwebtoken; make it seconds like the number form.
  const expiresIn = (typeof input.expiresIn === 'string' && /^\d+$/.test(input.expiresIn)
    ? Number(input.expiresIn)
    : input.expiresIn) as NonNullable<SignOptions['expiresIn']>;
  return jwt.sign({ handle: input.handle, role: input.role }, input.secret, {
    algorithm: JWT_ALGORITHM,
    subject: input.sub,
    expiresIn,
  });
}

export interface VerifyOptions {
  /** Seconds since the epoch to verify against (tests); defaults to now. */
  clockTimestamp?: number;
}

/** Verifies signature, algorithm, lifetime and claims. Never throws: every failure is a typed reason. */
export function verifyToken(token: string, secret: string, options: VerifyOptions = {}): VerifyResult {
  const decoded = jwt.decode(token, { complete: true });
  if (decoded === null || typeof decoded.payload === 'string') {
    return { ok: false, reason: 'malformed', message: 'Token is not a well-formed JWT' };
  }
  if (decoded.header.alg !== JWT_ALGORITHM) {
    return { ok: false, reason: 'unsupported_algorithm', message: `Token algorithm must be ${JWT_ALGORITHM}` };
  }
  let payload: jwt.JwtPayload;
  try {
    const verified = jwt.verify(token, secret, { algorithms: [JWT_ALGORITHM], clockTimestamp: options.clockTimestamp });
    if (typeof verified === 'string') return { ok: false, reason: 'malformed', message: 'Token payload is not a JSON object' };
    payload = verified;
  } catch (e) {
    return failureOf(e);
  }
  const missing = (['sub', 'handle', 'role', 'exp'] as const).filter((claim) => payload[claim] === undefined);
  if (missing.length) return { ok: false, reason: 'missing_claims', message: `Token lacks claims: ${missing.join(', ')}` };
  const { sub, handle, role, exp } = payload;
  if (typeof sub !== 'string' || !sub.trim()) return invalidClaim('sub');
  if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) return invalidClaim('handle');
  if (!isRole(role)) return invalidClaim('role');
  if (typeof exp !== 'number') return invalidClaim('exp');
  return { ok: true, principal: { sub, handle, role, expiresAt: new Date(exp * 1000) } };
}

function invalidClaim(claim: string): VerifyResult {
  return { ok: false, reason: 'invalid_claims', message: `Token claim ${claim} is invalid` };
}

function failureOf(e: unknown): VerifyResult {
  if (e instanceof jwt.TokenExpiredError) return { ok: false, reason: 'expired', message: 'Token has expired' };
  if (e instanceof jwt.NotBeforeError) return { ok: false, reason: 'not_yet_valid', message: 'Token is not valid yet' };
  if (e instanceof jwt.JsonWebTokenError && e.message === 'invalid signature') {
    return { ok: false, reason: 'bad_signature', message: 'Token signature is invalid' };
  }
  return { ok: false, reason: 'malformed', message: 'Token could not be verified' };
}
