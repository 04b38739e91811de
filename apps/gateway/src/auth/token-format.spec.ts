import { randomBytes } from 'node:crypto';
import { signDevToken } from '@funnel/auth';
import { isWellFormedJwt, isWellFormedPat, JWT_MAX_LENGTH, tokenForm } from './token-format';

// How the campaign-service issues a PAT (apps/campaign-service/src/tokens/token.ts).
const issuedPat = () => `fnl_pat_${randomBytes(32).toString('base64url')}`;
const jwt = signDevToken({ sub: 'user-1', handle: 'acme', role: 'ADMIN', secret: 'format-test-secret-0123456789', expiresIn: '1h' });

describe('token format', () => {
  it('accepts every PAT the campaign-service issues', () => {
    for (let i = 0; i < 200; i++) expect(isWellFormedPat(issuedPat())).toBe(true);
  });

  it.each([
    ['no secret', 'fnl_pat_'],
    ['a short secret', 'fnl_pat_nope'],
    ['one character short', `fnl_pat_${'a'.repeat(42)}`],
    ['one character long', `fnl_pat_${'a'.repeat(44)}`],
    ['padding', `fnl_pat_${'a'.repeat(42)}=`],
    ['base64 (not url) alphabet', `fnl_pat_${'a'.repeat(42)}+`],
    ['a space inside', `fnl_pat_${'a'.repeat(21)} ${'a'.repeat(21)}`],
    ['another prefix', `fnl_pak_${'a'.repeat(43)}`],
    ['an upper-case prefix', `FNL_PAT_${'a'.repeat(43)}`],
    ['a trailing newline', `fnl_pat_${'a'.repeat(43)}\n`],
  ])('refuses a PAT with %s', (_what, token) => {
    expect(isWellFormedPat(token)).toBe(false);
    expect(tokenForm(token)).not.toBe('pat');
  });

  it('accepts a signed JWT and refuses other shapes', () => {
    expect(isWellFormedJwt(jwt)).toBe(true);
    expect(tokenForm(jwt)).toBe('jwt');
    for (const bad of ['a.b', 'a.b.c.d', 'a..c', '.b.c', 'a.b.', 'a.b.c=', 'a+b.c.d', `${jwt}\n`, 'not-a-token']) {
      expect(isWellFormedJwt(bad)).toBe(false);
      expect(tokenForm(bad)).toBe('malformed');
    }
  });

  it('caps the size of a JWT', () => {
    const long = `${'a'.repeat(JWT_MAX_LENGTH - 4)}.b.c`;
    expect(long.length).toBe(JWT_MAX_LENGTH);
    expect(isWellFormedJwt(long)).toBe(true);
    expect(isWellFormedJwt(`a${long}`)).toBe(false);
  });

  it('judges a token with the PAT prefix as a PAT only: a malformed PAT is not tried as a JWT', () => {
    expect(tokenForm(issuedPat())).toBe('pat');
    expect(tokenForm('fnl_pat_a.b.c')).toBe('malformed');
  });
});
