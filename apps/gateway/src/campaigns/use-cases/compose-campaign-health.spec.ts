import 'reflect-metadata';
import { HealthView, RPC } from '@funnel/contracts';
import { ApiException } from '../../platform/http/api.exception';
import { RpcClient } from '../../platform/rpc/rpc.client';
import { ComposeCampaignHealth } from './compose-campaign-health';

const caller = { handle: 'acme', requestId: 'r1', actor: { sub: 'u', role: 'VIEWER' as const } };
const serviceHealth = (status: 'PASS' | 'FAIL' = 'PASS'): HealthView => ({
  campaignId: 'spring-launch',
  checks: [{ name: 'primary_link', status, detail: 'Primary link configured: spring-promo' }],
  readiness: status === 'FAIL' ? 'NOT_READY' : 'READY',
});

function compose(webhooks: unknown | Error, health = serviceHealth()): ComposeCampaignHealth {
  const rpc = {
    call: async ({ pattern }: { pattern: string }, _caller: unknown, _params: unknown, _body: unknown, options?: { timeoutMs?: number }) => {
      if (pattern === RPC.campaignHealth) return health;
      expect(pattern).toBe(RPC.webhookList);
      expect(options?.timeoutMs).toBeLessThanOrEqual(2000);
      if (webhooks instanceof Error) throw webhooks;
      return webhooks;
    },
  } as unknown as RpcClient;
  return new ComposeCampaignHealth(rpc);
}

describe('ComposeCampaignHealth', () => {
  it('passes when an enabled webhook subscribes to conversion.recorded', async () => {
    const hooks = { webhooks: [{ webhookId: 'w', url: 'https://hooks.example.com/x', events: ['conversion.recorded'], enabled: true }] };
    const health = await compose(hooks).execute(caller, 'spring-launch', { showWebhookUrls: true });
    expect(health.checks.at(-1)).toEqual({ name: 'conversion_webhook', status: 'PASS', detail: 'Webhook https://hooks.example.com/x is subscribed to conversion.recorded.' });
    expect(health.readiness).toBe('READY');
  });

  it('names no receiver URL to a caller who may not read webhooks (the default)', async () => {
    const hooks = { webhooks: [{ webhookId: 'w', url: 'https://hooks.example.com/secret-path', events: ['conversion.recorded'], enabled: true }] };
    for (const health of [await compose(hooks).execute(caller, 'spring-launch'), await compose(hooks).execute(caller, 'spring-launch', { showWebhookUrls: false })]) {
      expect(health.checks.at(-1)).toEqual({ name: 'conversion_webhook', status: 'PASS', detail: 'An enabled webhook is subscribed to conversion.recorded.' });
      expect(JSON.stringify(health)).not.toContain('hooks.example.com');
    }
  });

  it('warns (still READY) when no enabled webhook subscribes to it', async () => {
    const hooks = { webhooks: [{ webhookId: 'w', url: 'https://h.example.com', events: ['conversion.recorded'], enabled: false }, { webhookId: 'v', url: 'https://h.example.com', events: ['conversion.tested'], enabled: true }] };
    const health = await compose(hooks).execute(caller, 'spring-launch');
    expect(health.checks.at(-1)).toMatchObject({ name: 'conversion_webhook', status: 'WARN', detail: expect.stringContaining('No enabled webhook') });
    expect(health.readiness).toBe('READY');
  });

  it('is READY in the seed walk (campaign, link, health) before any webhook exists', async () => {
    const health = await compose({ webhooks: [] }).execute(caller, 'spring-launch');
    expect(health.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['primary_link:PASS', 'conversion_webhook:WARN']);
    expect(health.readiness).toBe('READY');
    // A failing check of the campaign-service still makes it NOT_READY.
    expect((await compose({ webhooks: [] }, serviceHealth('FAIL')).execute(caller, 'spring-launch')).readiness).toBe('NOT_READY');
  });

  it('warns "not checked" when the conversion-service does not answer, keeping the readiness of the other checks', async () => {
    const health = await compose(new ApiException(504, 'upstream_timeout', 'late')).execute(caller, 'spring-launch');
    expect(health.checks.at(-1)).toMatchObject({ name: 'conversion_webhook', status: 'WARN', detail: expect.stringContaining('could not be checked') });
    expect(health.readiness).toBe('READY');
    expect((await compose(new ApiException(504, 'upstream_timeout', 'late'), serviceHealth('FAIL')).execute(caller, 'spring-launch')).readiness).toBe('NOT_READY');
  });
});
