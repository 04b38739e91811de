import { uniqueId } from '@funnel/testing';
import { api, devToken } from './stack';

/**
 * A personal access token through the running stack: minted at the gateway, used on a public route
 * (verified by hash over Kafka), revoked. What it leaves behind in topics, logs and tables is what
 * the secret scan after this tier checks.
 */
describe('personal access token (end to end)', () => {
  const handle = uniqueId('e2epat');

  it('is shown once, works on /v2/public routes, and stops at revocation', async () => {
    const jwt = devToken(handle, 'CREATOR');
    const created = await api<{ token: string; tokenId: string }>(jwt, 'POST', `/v2/handles/${handle}/tokens`, { name: 'e2e', scopes: ['campaigns.read'] });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^fnl_pat_[A-Za-z0-9_-]{43}$/);
    const listed = await api<{ tokens: Array<Record<string, unknown>> }>(jwt, 'GET', `/v2/handles/${handle}/tokens`);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);

    const publicList = `/v2/public/handles/${handle}/campaigns`;
    expect((await api(created.body.token, 'GET', publicList)).status).toBe(200);
    expect((await api(jwt, 'DELETE', `/v2/handles/${handle}/tokens/${created.body.tokenId}`)).status).toBe(200);
    expect((await api(created.body.token, 'GET', publicList)).status).toBe(401);
  });
});
