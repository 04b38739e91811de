import 'reflect-metadata';
import { uniqueId } from '@funnel/testing';
import { call, ControlPlane, jwtFor, startControlPlane } from './control-plane-harness';

/**
 * A hostile tenant at its limits: the real gateway and campaign-service over the real broker and
 * a throwaway PostgreSQL database, with small limits. Past a limit the answer is 409
 * `limit_exceeded` naming the limit, and nothing changes (no event, no read-model row, no outbox
 * message); replacing an existing item still works; another tenant is unaffected.
 */
const LIMIT = 3;
let cp: ControlPlane;
const HOSTILE = uniqueId('limits');
const OTHER = uniqueId('limitsother');

const api = <T = Record<string, unknown>>(handle: string, method: string, path: string, body?: unknown) =>
  call<T>(cp.baseUrl, method, `/v2/handles/${handle}${path}`, { token: jwtFor(handle, 'CREATOR'), ...(body !== undefined ? { body } : {}) });

const rule = (ruleId: string, priority = 100) => ({
  ruleId,
  enabled: true,
  priority,
  when: { deviceIn: ['MOBILE'] },
  variant: { id: `variant-${ruleId}`, destinationUrl: `https://m.example.com/${ruleId}` },
});

async function footprint(handle: string) {
  const [events, outbox, rules, links] = await Promise.all([
    cp.bed.prisma.event.count({ where: { handle } }),
    cp.bed.prisma.outbox.count({ where: { key: { startsWith: `${handle}/` } } }),
    cp.bed.prisma.rule.count({ where: { handle, deleted: false } }),
    cp.bed.prisma.link.count({ where: { handle, deleted: false } }),
  ]);
  return { events, outbox, rules, links };
}

beforeAll(async () => {
  process.env.MAX_RULES_PER_HANDLE = String(LIMIT);
  process.env.MAX_LINKS_PER_HANDLE = String(LIMIT);
  cp = await startControlPlane('limits');
}, 120000);

afterAll(async () => {
  await cp?.close();
  delete process.env.MAX_RULES_PER_HANDLE;
  delete process.env.MAX_LINKS_PER_HANDLE;
});

describe('per-handle limit on personalization rules', () => {
  it('refuses the rule past the limit with 409 limit_exceeded and changes nothing; replacing and other tenants still work', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await api(HOSTILE, 'PUT', `/personalization-rules/r${i}`, rule(`r${i}`))).status).toBe(200);
    const before = await footprint(HOSTILE);
    expect(before.rules).toBe(LIMIT);

    const refused = await api(HOSTILE, 'PUT', '/personalization-rules/one-too-many', rule('one-too-many'));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ success: false, error: 'limit_exceeded', details: { resource: 'personalization_rules', limit: LIMIT } });
    expect(await footprint(HOSTILE)).toEqual(before);
    expect((await api(HOSTILE, 'GET', '/personalization-rules/one-too-many')).status).toBe(404);

    // Replacing a rule it already has takes no new slot.
    expect((await api(HOSTILE, 'PUT', '/personalization-rules/r0', rule('r0', 7))).status).toBe(200);
    // Another tenant is not affected.
    for (let i = 0; i < LIMIT; i++) expect((await api(OTHER, 'PUT', `/personalization-rules/o${i}`, rule(`o${i}`))).status).toBe(200);

    // A deleted rule frees its slot.
    expect((await api(HOSTILE, 'DELETE', '/personalization-rules/r1')).status).toBe(200);
    expect((await api(HOSTILE, 'PUT', '/personalization-rules/one-too-many', rule('one-too-many'))).status).toBe(200);
    expect((await footprint(HOSTILE)).rules).toBe(LIMIT);
  });

  it('gives the last slot to exactly one of several concurrent creations', async () => {
    const handle = uniqueId('limitsrace');
    for (let i = 0; i < LIMIT - 1; i++) expect((await api(handle, 'PUT', `/personalization-rules/r${i}`, rule(`r${i}`))).status).toBe(200);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => api(handle, 'PUT', `/personalization-rules/race-${i}`, rule(`race-${i}`))));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    expect((await footprint(handle)).rules).toBe(LIMIT);
  });
});

describe('per-handle limit on links', () => {
  it('refuses the link past the limit with 409 limit_exceeded and changes nothing; other tenants unaffected', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await api(HOSTILE, 'PUT', `/links/l${i}`, { destinationUrl: `https://example.com/${i}` })).status).toBe(200);
    const before = await footprint(HOSTILE);
    const refused = await api(HOSTILE, 'PUT', '/links/one-too-many', { destinationUrl: 'https://example.com/x' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ success: false, error: 'limit_exceeded', details: { resource: 'links', limit: LIMIT } });
    expect(await footprint(HOSTILE)).toEqual(before);
    expect((await api(HOSTILE, 'GET', '/links/one-too-many')).status).toBe(404);

    expect((await api(HOSTILE, 'PUT', '/links/l0', { destinationUrl: 'https://example.com/changed' })).status).toBe(200);
    expect((await api(OTHER, 'PUT', '/links/l0', { destinationUrl: 'https://example.com/other' })).status).toBe(200);
    expect((await api(HOSTILE, 'DELETE', '/links/l2')).status).toBe(200);
    expect((await api(HOSTILE, 'PUT', '/links/one-too-many', { destinationUrl: 'https://example.com/x' })).status).toBe(200);
  });
});
