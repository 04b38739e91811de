import { createHash, randomBytes } from 'node:crypto';
import { hashPat, isSealed, newPatSecret, newWebhookSecret, openSecret, parseSecretKeyring, PAT_HASH_PATTERN, sealedKid, sealSecret } from './secrets';

const key = (): string => randomBytes(32).toString('base64');

describe('PAT hashing', () => {
  it('mints fnl_pat_ + 43 base64url characters and hashes it as hex SHA-256 of the whole token (the stored format)', () => {
    const token = newPatSecret();
    expect(token).toMatch(/^fnl_pat_[A-Za-z0-9_-]{43}$/);
    expect(hashPat(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashPat(token)).toMatch(PAT_HASH_PATTERN);
    expect(newPatSecret()).not.toBe(token);
  });
});

describe('sealed secrets', () => {
  const first = key();
  const second = key();

  it('round-trips under the first key and never contains the plaintext', () => {
    const ring = parseSecretKeyring(`k2:${first},k1:${second}`);
    const secret = newWebhookSecret();
    const sealed = sealSecret(ring, secret, 'p');
    expect(isSealed(sealed)).toBe(true);
    expect(sealedKid(sealed)).toBe('k2');
    expect(sealed).not.toContain(secret.slice(6));
    expect(openSecret(ring, sealed, 'p')).toBe(secret);
    expect(sealSecret(ring, secret, 'p')).not.toBe(sealed); // fresh IV each time
  });

  it('opens values sealed under an older key still in the ring (rotation)', () => {
    const old = parseSecretKeyring(`old:${second}`);
    const sealed = sealSecret(old, 'whsec_x', 'p');
    expect(openSecret(parseSecretKeyring(`new:${first},old:${second}`), sealed, 'p')).toBe('whsec_x');
    expect(() => openSecret(parseSecretKeyring(`new:${first}`), sealed, 'p')).toThrow(/no key 'old'/);
  });

  it('rejects another purpose, a tampered value and a wrong key', () => {
    const ring = parseSecretKeyring(`k:${first}`);
    const sealed = sealSecret(ring, 'whsec_x', 'p');
    expect(() => openSecret(ring, sealed, 'q')).toThrow();
    const parts = sealed.split(':');
    parts[4] = Buffer.from('whsec_y').toString('base64url');
    expect(() => openSecret(ring, parts.join(':'), 'p')).toThrow();
    expect(() => openSecret(parseSecretKeyring(`k:${second}`), sealed, 'p')).toThrow();
    expect(() => openSecret(ring, 'whsec_plain', 'p')).toThrow(/not a sealed/);
  });

  it('refuses malformed keyrings without printing the key', () => {
    expect(() => parseSecretKeyring('')).toThrow(/at least one/);
    expect(() => parseSecretKeyring('nokid')).toThrow(/kid:base64key/);
    expect(() => parseSecretKeyring('k:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseSecretKeyring(`k:${first},k:${second}`)).toThrow(/twice/);
    try {
      parseSecretKeyring(`k:${first.slice(0, 20)}`);
    } catch (e) {
      expect((e as Error).message).not.toContain(first.slice(0, 20));
    }
  });
});
