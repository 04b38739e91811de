import { CONTEXT_PARAM } from '@funnel/contracts';
import { uniqueId, waitFor } from '@funnel/testing';
import { api, devToken, REDIRECT, startReceiver, verifySignature } from './stack';

/**
 * The happy path of seed 000 through all five services, as `npm run up` starts them: create a
 * campaign, put a link, follow it N times, post M conversions (+ a duplicate orderId and a test
 * conversion), and read the funnel. Expected figures are computed here from what was sent.
 */
describe('campaign funnel slice (end to end)', () => {
  const handle = uniqueId('e2e');
  const campaignId = `spring-${uniqueId()}`.slice(0, 40);
  const slug = 'spring-promo';
  let token: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    token = devToken(handle, 'CREATOR');
    receiver = await startReceiver();
  });
  afterAll(async () => receiver?.close());

  const visits = [
    { ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', country: 'US', utm: 'email', device: 'mobile', bot: false },
    { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', country: 'GB', utm: 'social', device: 'desktop', bot: false },
    { ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36', country: 'DE', utm: null, device: 'mobile', bot: false },
    { ua: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', country: 'US', utm: 'email', device: 'tablet', bot: false },
    { ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', country: null, utm: 'newsletter', device: 'desktop', bot: false },
    { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', country: 'US', utm: null, device: 'bot', bot: true },
  ];
  const N = 30;
  const plan = Array.from({ length: N }, (_, i) => visits[i % visits.length]);

  it('counts every click, conversion and dollar exactly', async () => {
    const hook = await api<{ webhookId: string; secret: string }>(token, 'POST', `/v2/handles/${handle}/webhooks`, {
      url: receiver.url,
      events: ['conversion.recorded', 'conversion.tested'],
    });
    expect(hook.status).toBe(201);
    expect(hook.body.secret).toMatch(/^whsec_/);

    const created = await api<{ campaign: { campaignId: string; status: string }; quickStart: string[] }>(
      token, 'POST', `/v2/handles/${handle}/campaigns`,
      { campaignId, goalType: 'PRODUCT_SALE', status: 'ACTIVE', primarySlug: slug },
    );
    expect(created.status).toBe(201);
    expect(created.body.campaign).toMatchObject({ campaignId, status: 'ACTIVE' });
    expect(created.body.quickStart).toHaveLength(3);

    const link = await api(token, 'PUT', `/v2/handles/${handle}/links/${slug}`, {
      destinationUrl: 'https://shop.example.com/spring?ref=launch',
      campaignId,
      trackingPolicy: { mode: 'DIRECT', appendContextParam: true },
    });
    expect(link.status).toBe(200);

    const health = await api<{ readiness: string; checks: Array<{ name: string; status: string }> }>(
      token, 'GET', `/v2/handles/${handle}/campaigns/${campaignId}/health`,
    );
    expect(health.status).toBe(200);
    expect(health.body.readiness).toBe('READY');
    expect(health.body.checks.map((c) => c.name).slice(0, 3)).toEqual(['tracking_preset', 'conversion_event_type', 'primary_link']);
    expect(health.body.checks.filter((c) => c.status === 'FAIL')).toEqual([]);

    // The edge learns links from a compacted topic. A probe link without a campaign, put after
    // this one, is served only once everything before it on that topic has been applied.
    expect((await api(token, 'PUT', `/v2/handles/${handle}/links/probe`, { destinationUrl: 'https://example.com/' })).status).toBe(200);
    await waitForLinkServed(handle, 'probe');

    const clickIds: string[] = [];
    for (const visit of plan) {
      const query = visit.utm ? `?utm_source=${visit.utm}` : '';
      const res = await fetch(`${REDIRECT}/${handle}/${slug}${query}`, {
        redirect: 'manual',
        headers: { 'user-agent': visit.ua, ...(visit.country ? { 'cf-ipcountry': visit.country } : {}) },
      });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin + location.pathname).toBe('https://shop.example.com/spring');
      expect(location.searchParams.get('ref')).toBe('launch');
      clickIds.push(location.searchParams.get(CONTEXT_PARAM)!);
    }
    expect(new Set(clickIds).size).toBe(N);

    type Funnel = {
      funnel: Array<{
        campaignId: string; clicks: number; qualifiedClicks: number; conversions: number; revenue: number; confidence: number;
        breakdown: { source: Array<{ source: string; count: number }>; country: Array<{ country: string; count: number }>; device: Array<{ device: string; count: number }> };
        lastSeenAt: string | null;
      }>;
    };
    const funnelPath = `/v2/handles/${handle}/analytics?funnel=true&campaignId=${campaignId}`;
    await waitFor(() => api<Funnel>(token, 'GET', funnelPath), (r) => r.status === 200 && r.body.funnel[0]?.clicks === N, {
      timeoutMs: 30000,
      what: `${N} clicks in the funnel`,
    });

    // M conversions on distinct click ids, a repeated orderId (not counted again), and a test conversion.
    const values = [19.99, 5, 120.5, 42.42, 0.01];
    const M = values.length;
    for (let i = 0; i < M; i++) {
      const res = await api(token, 'POST', `/v2/handles/${handle}/conversions`, {
        eventType: 'purchase', value: values[i], currency: 'USD', clickId: clickIds[i], orderId: `order-${i}`, metadata: { items: i + 1 },
      });
      expect(res.status).toBe(201);
    }
    const duplicate = await api<{ status: string }>(token, 'POST', `/v2/handles/${handle}/conversions`, {
      eventType: 'purchase', value: 999, currency: 'USD', clickId: clickIds[M], orderId: 'order-0',
    });
    expect(duplicate.body.status).toBe('duplicate');
    const test = await api<{ test: boolean }>(token, 'POST', `/v2/handles/${handle}/campaigns/${campaignId}/test-conversion`, {
      eventType: 'purchase', value: 99.99, currency: 'USD', metadata: { orderId: '12345', items: 3 },
    });
    expect(test.status).toBe(201);
    expect(test.body.test).toBe(true);

    const revenue = Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100;
    const final = await waitFor(() => api<Funnel>(token, 'GET', funnelPath), (r) => r.body.funnel[0]?.conversions === M, {
      timeoutMs: 30000,
      what: `${M} conversions in the funnel`,
    });
    // The webhook for the test conversion proves it went through the pipeline; it must still not count.
    await waitFor(async () => receiver.received.map((w) => w.body.type), (types) =>
      types.filter((t) => t === 'conversion.recorded').length === M && types.includes('conversion.tested'),
      { timeoutMs: 30000, what: 'webhook deliveries' });
    const settled = await api<Funnel>(token, 'GET', funnelPath);
    const f = settled.body.funnel[0];
    expect(f).toEqual(final.body.funnel[0]);

    const bots = plan.filter((v) => v.bot).length;
    expect(f.campaignId).toBe(campaignId);
    expect(f.clicks).toBe(N);
    expect(f.qualifiedClicks).toBe(N - bots);
    expect(f.conversions).toBe(M);
    expect(f.revenue).toBeCloseTo(revenue, 2);
    expect(f.confidence).toBeGreaterThanOrEqual(0);
    expect(f.confidence).toBeLessThanOrEqual(100);
    expect(Date.parse(f.lastSeenAt!)).toBeGreaterThan(Date.now() - 5 * 60_000);

    const tally = (key: (v: (typeof plan)[number]) => string) =>
      plan.reduce<Record<string, number>>((acc, v) => ({ ...acc, [key(v)]: (acc[key(v)] ?? 0) + 1 }), {});
    const asMap = <K extends string>(rows: Array<Record<K, string> & { count: number }>, k: K) =>
      Object.fromEntries(rows.map((r) => [r[k], r.count]));
    expect(asMap(f.breakdown.device, 'device')).toEqual(tally((v) => v.device));
    expect(asMap(f.breakdown.country, 'country')).toEqual(tally((v) => v.country ?? 'unknown'));
    expect(asMap(f.breakdown.source, 'source')).toEqual(tally((v) => v.utm ?? 'direct'));
    for (const dim of ['source', 'country', 'device'] as const) {
      expect(f.breakdown[dim].reduce((a, r) => a + r.count, 0)).toBe(N);
    }

    // Webhooks: signed, the test one marked test, the recorded ones carrying what was posted.
    const tested = receiver.received.find((w) => w.body.type === 'conversion.tested')!;
    expect(tested.body.data.test).toBe(true);
    for (const w of receiver.received) expect(verifySignature(hook.body.secret, w.headers, w.raw)).toBe(true);
    const recordedOrders = receiver.received.filter((w) => w.body.type === 'conversion.recorded').map((w) => w.body.data.orderId).sort();
    expect(recordedOrders).toEqual(values.map((_, i) => `order-${i}`).sort());
  });

  it('rejects a request without a valid token and keeps tenants apart', async () => {
    expect((await api(null, 'GET', `/v2/handles/${handle}/campaigns`)).status).toBe(401);
    const other = devToken(uniqueId('other'), 'CREATOR');
    const foreign = await api(other, 'GET', `/v2/handles/${handle}/campaigns/${campaignId}/health`);
    expect(foreign.status).toBe(404);
    const badId = await api(token, 'POST', `/v2/handles/${handle}/campaigns`, { campaignId: 'X', goalType: 'PRODUCT_SALE' });
    expect(badId.status).toBe(400);
    expect(badId.body).toMatchObject({ success: false, error: 'invalid_campaign_id' });
    const conflict = await api(token, 'POST', `/v2/handles/${handle}/campaigns`, { campaignId, goalType: 'PRODUCT_SALE' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: 'campaign_conflict' });
    const missing = await api(token, 'GET', `/v2/handles/${handle}/campaigns/nope-${campaignId}/health`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'campaign_not_found' });
  });
});

async function waitForLinkServed(handle: string, slug: string): Promise<void> {
  await waitFor(
    () => fetch(`${REDIRECT}/${handle}/${slug}`, { redirect: 'manual' }).then((r) => r.status),
    (s) => s === 302,
    { timeoutMs: 30000, what: 'the link to be served by the redirect edge' },
  );
  // Campaign state travels on its own compacted topic, published before the links.
  await new Promise((r) => setTimeout(r, 500));
}
