import 'reflect-metadata';
import jwt from 'jsonwebtoken';
import { signDevToken, verifyToken } from './jwt';
import { roleAtLeast } from './roles';

const SECRET = 'unit-test-secret-0123456789';
const base = { sub: 'user-1', handle: 'acme', role: 'CREATOR' as const, secret: SECRET, expiresIn: '1h' };

describe('signDevToken / verifyToken', () => {
  it('round-trips a principal', () => {
    const result = verifyToken(signDevToken(base), SECRET);
    expect(result).toEqual({
      ok: true,
      principal: { sub: 'user-1', handle: 'acme', role: 'CREATOR', expiresAt: expect.any(Date) },
    });
  });

  it('reads a bare number of seconds as seconds', () => {
    const token = signDevToken({ ...base, expiresIn: '120' });
    const { exp, iat } = jwt.decode(token) as { exp: number; iat: number };
    expect(exp - iat).toBe(120);
  });

  it('rejects a token signed with another secret', () => {
    const token = signDevToken({ ...base, secret: 'another-secret-0123456789' });
    expect(verifyToken(token, SECRET)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('rejects an expired token', () => {
    const token = signDevToken({ ...base, expiresIn: 60 });
    const later = Math.floor(Date.now() / 1000) + 3600;
    expect(verifyToken(token, SECRET, { clockTimestamp: later })).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('rejects garbage', () => {
    expect(verifyToken('not-a-jwt', SECRET)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyToken('', SECRET)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('rejects alg none and other algorithms, even with the right secret', () => {
    const none = jwt.sign({ sub: 'u', handle: 'acme', role: 'ADMIN' }, '', { algorithm: 'none', expiresIn: '1h' });
    expect(verifyToken(none, SECRET)).toMatchObject({ ok: false, reason: 'unsupported_algorithm' });
    const hs512 = jwt.sign({ sub: 'u', handle: 'acme', role: 'ADMIN' }, SECRET, { algorithm: 'HS512', expiresIn: '1h' });
    expect(verifyToken(hs512, SECRET)).toMatchObject({ ok: false, reason: 'unsupported_algorithm' });
  });

  it('names missing claims', () => {
    const token = jwt.sign({ role: 'CREATOR' }, SECRET, { algorithm: 'HS256', expiresIn: '1h' });
    const result = verifyToken(token, SECRET);
    expect(result).toMatchObject({ ok: false, reason: 'missing_claims' });
    expect(!result.ok && result.message).toContain('sub, handle');
  });

  it('requires an expiry', () => {
    const token = jwt.sign({ sub: 'u', handle: 'acme', role: 'CREATOR' }, SECRET, { algorithm: 'HS256' });
    expect(verifyToken(token, SECRET)).toMatchObject({ ok: false, reason: 'missing_claims' });
  });

  it('rejects an unknown role or a bad handle', () => {
    const role = jwt.sign({ sub: 'u', handle: 'acme', role: 'ROOT' }, SECRET, { algorithm: 'HS256', expiresIn: '1h' });
    expect(verifyToken(role, SECRET)).toMatchObject({ ok: false, reason: 'invalid_claims' });
    const handle = jwt.sign({ sub: 'u', handle: '../etc', role: 'ADMIN' }, SECRET, { algorithm: 'HS256', expiresIn: '1h' });
    expect(verifyToken(handle, SECRET)).toMatchObject({ ok: false, reason: 'invalid_claims' });
  });

  it('refuses to sign what it would not verify', () => {
    expect(() => signDevToken({ ...base, secret: 'short' })).toThrow(/secret/);
    expect(() => signDevToken({ ...base, handle: 'Bad Handle' })).toThrow(/handle/);
    expect(() => signDevToken({ ...base, role: 'ROOT' as never })).toThrow(/role/);
    expect(() => signDevToken({ ...base, expiresIn: 'soon' })).toThrow(/expiresIn/);
    expect(() => signDevToken({ ...base, sub: ' ' })).toThrow(/sub/);
  });
});

describe('roleAtLeast', () => {
  it('orders VIEWER < CREATOR < ADMIN', () => {
    expect(roleAtLeast('VIEWER', 'CREATOR')).toBe(false);
    expect(roleAtLeast('CREATOR', 'CREATOR')).toBe(true);
    expect(roleAtLeast('ADMIN', 'CREATOR')).toBe(true);
    expect(roleAtLeast('CREATOR', 'ADMIN')).toBe(false);
  });
});
