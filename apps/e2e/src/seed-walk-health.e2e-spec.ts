import { uniqueId } from '@funnel/testing';
import { api, devToken } from './stack';

/**
 * Seed 000's walk, steps 1-3 (create the campaign, put its primary link, verify health), on a
 * handle with no webhook at all: health answers READY, the webhook check only warns.
 */
describe('seed 000 walk: health before any webhook exists (end to end)', () => {
  const handle = uniqueId('walk');
  const campaignId = `walk-${uniqueId()}`.slice(0, 40);
  const slug = 'walk-promo';

  it('answers READY with conversion_webhook WARN', async () => {
    const token = devToken(handle, 'CREATOR');
    expect((await api<{ webhooks: unknown[] }>(token, 'GET', `/v2/handles/${handle}/webhooks`)).body.webhooks).toEqual([]);
    const created = await api(token, 'POST', `/v2/handles/${handle}/campaigns`, { campaignId, goalType: 'PRODUCT_SALE', status: 'ACTIVE', primarySlug: slug });
    expect(created.status).toBe(201);
    const link = await api(token, 'PUT', `/v2/handles/${handle}/links/${slug}`, { destinationUrl: 'https://shop.example.com/walk', campaignId });
    expect(link.status).toBe(200);

    const health = await api<{ readiness: string; checks: Array<{ name: string; status: string }> }>(token, 'GET', `/v2/handles/${handle}/campaigns/${campaignId}/health`);
    expect(health.status).toBe(200);
    expect(health.body.readiness).toBe('READY');
    const byName = Object.fromEntries(health.body.checks.map((c) => [c.name, c.status]));
    expect(byName).toMatchObject({ tracking_preset: 'PASS', conversion_event_type: 'PASS', primary_link: 'PASS', campaign_active: 'PASS', conversion_webhook: 'WARN' });
    expect(health.body.checks.filter((c) => c.status === 'FAIL')).toEqual([]);
  });
});
