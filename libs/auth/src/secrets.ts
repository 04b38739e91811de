import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { PAT_PREFIX } from '@funnel/contracts';

// ---- personal access tokens: minted and hashed at the gateway, only the hash travels ----

/** `fnl_pat_` + 32 random bytes (base64url): the one format every PAT has had. */
export function newPatSecret(): string {
  return `${PAT_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Hex SHA-256 of the whole token (prefix included), what the campaign-service stores and looks up.
 * 32 random bytes cannot be guessed or reversed from their hash, so no salt, pepper or slow KDF is
 * needed, and the hash stays a direct index key. The same function hashed the PATs stored before,
 * so they keep working.
 */
export function hashPat(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token's last four characters: shown in lists to tell tokens apart (24 of 256 random bits, not enough to guess the rest). */
export function patLastFour(token: string): string {
  return token.slice(-4);
}

/** A PAT hash as it travels: 64 lower-case hex characters. */
export const PAT_HASH_PATTERN = /^[0-9a-f]{64}$/;

// ---- webhook signing secrets: encrypted at rest and on the bus ----

/** `whsec_` + 32 random bytes in hex; the whole string (prefix included) is the HMAC key. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

export interface SecretKey {
  kid: string;
  key: Buffer;
}

/** Keys from `WEBHOOK_SECRET_KEYS`: the first encrypts, every one decrypts (rotation, see docs/conversion-service.md). */
export interface SecretKeyring {
  primary: SecretKey;
  byKid: ReadonlyMap<string, Buffer>;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses `kid:base64key[,kid:base64key...]` (each key 32 bytes); throws with a message that names the problem, never the key. */
export function parseSecretKeyring(value: string): SecretKeyring {
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error('at least one kid:base64key is required');
  const keys: SecretKey[] = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const kid = colon > 0 ? entry.slice(0, colon) : '';
    if (!KID.test(kid)) throw new Error(`entry ${i + 1}: expected kid:base64key with kid of letters, digits, _ or -`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32) throw new Error(`key '${kid}' must be 32 bytes in base64 (openssl rand -base64 32)`);
    return { kid, key };
  });
  const byKid = new Map<string, Buffer>();
  for (const { kid, key } of keys) {
    if (byKid.has(kid)) throw new Error(`key id '${kid}' appears twice`);
    byKid.set(kid, key);
  }
  return { primary: keys[0], byKid };
}

/** Prefix of a sealed value; anything else in a secret column is a plaintext left from before encryption. */
export const SEALED_PREFIX = 'enc:v1:';

/** True when `value` is in the sealed format (it may still fail to open under the configured keys). */
export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

/**
 * AES-256-GCM under the primary key: `enc:v1:<kid>:<iv>:<ciphertext>:<tag>` (base64url parts).
 * `purpose` is authenticated (not stored), so a value sealed for one use does not open for another.
 */
export function sealSecret(keyring: SecretKeyring, plaintext: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.primary.key, iv);
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return `${SEALED_PREFIX}${keyring.primary.kid}:${parts.join(':')}`;
}

/** Opens a sealed value under whichever configured key its kid names; throws when the key is unknown or the value was altered. */
export function openSecret(keyring: SecretKeyring, sealed: string, purpose: string): string {
  if (!isSealed(sealed)) throw new Error('not a sealed secret');
  const [kid, iv, ciphertext, tag] = sealed.slice(SEALED_PREFIX.length).split(':');
  const key = kid === undefined ? undefined : keyring.byKid.get(kid);
  if (!key) throw new Error(`no key '${kid ?? ''}' in the keyring`);
  if (iv === undefined || ciphertext === undefined || tag === undefined) throw new Error('malformed sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(purpose, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/** The kid a sealed value names (to find rows still under an old key). */
export function sealedKid(sealed: string): string | null {
  return isSealed(sealed) ? (sealed.slice(SEALED_PREFIX.length).split(':')[0] ?? null) : null;
}

/** What a webhook signing secret is sealed for, on the bus and at rest. */
export const WEBHOOK_SECRET_PURPOSE = 'funnel.webhook-signing-secret';
