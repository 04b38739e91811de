import { needleOf, parseIssuedSecrets, SecretMatcher } from './secret-matcher';

const pat = `fnl_pat_${'A'.repeat(20)}${'b-_'.repeat(7)}1x`;
const hook = `whsec_${'0f'.repeat(32)}`;
const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWp3dC0xMjM0NTY3OA';

describe('SecretMatcher', () => {
  const matcher = () => new SecretMatcher([{ kind: 'pat', value: pat }, { kind: 'webhook-secret', value: hook }, { kind: 'jwt', value: jwt }]);

  it('finds each kind inside JSON, log lines and headers, and reports a preview only', () => {
    const m = matcher();
    expect(m.scan('kafka', JSON.stringify({ body: { token: pat } }))).toBe(1);
    expect(m.scan('log', `[gateway] authorization: Bearer ${jwt} secret=${hook}`)).toBe(2);
    expect(m.hits.map((h) => h.kind)).toEqual(['pat', 'jwt', 'webhook-secret']);
    for (const h of m.hits) expect(pat + hook + jwt).not.toBe(h.preview);
    expect(m.hits[0].preview).toBe(`${pat.slice(0, 12)}…`);
  });

  it('finds a prefixed secret glued to other token characters', () => {
    const m = matcher();
    expect(m.scan('pg', `xx${pat}yy and token_${hook}0`)).toBe(2);
  });

  it('does not flag hashes, other tokens or a prefix alone', () => {
    const m = matcher();
    expect(m.scan('x', `fnl_pat_${'A'.repeat(43)} whsec_${'1f'.repeat(32)} ${'ab'.repeat(32)} fnl_pat_ whsec_`)).toBe(0);
    expect(m.scan('x', pat.slice(0, -1))).toBe(0);
  });

  it('reads the issued-secrets file and looks for a JWT by its signature', () => {
    expect(parseIssuedSecrets(`pat ${pat}\n\njwt ${jwt}\nbad\n`)).toEqual([{ kind: 'pat', value: pat }, { kind: 'jwt', value: jwt }]);
    expect(needleOf(jwt)).toBe(jwt.split('.')[2]);
    expect(() => new SecretMatcher([{ kind: 'key', value: 'a+b/c=d+e/f=g+h/i=' }])).toThrow(/base64url/);
  });
});
