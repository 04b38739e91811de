import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  createEnvelope,
  newEventId,
  TOPICS,
  WebhookDeliveryListView,
  WebhookDetailView,
  WebhookView,
} from '@funnel/contracts';
import { EventProducer } from '@funnel/kafka';
import { uniqueId, waitFor } from '@funnel/testing';
import { ConversionsController } from '../src/conversions/conversions.controller';
import { WebhookSecrets } from '../src/webhooks/webhook-secrets';
import { WebhooksController } from '../src/webhooks/webhooks.controller';
import { clickEvent, mintWebhookSecret, ReceivedRequest, replyData, rpcRequest, startReceiver, startService, TestReceiver, TestService } from './conversion-harness';

jest.setTimeout(120000);

const DISABLE_AFTER = 3;

/**
 * The Node snippet of README.md's "Verifying webhook signatures" section, exactly as a reader
 * would copy it: the test runs it against real deliveries, so the README cannot drift.
 */
function readmeVerify(): (secret: string, headers: Record<string, unknown>, rawBody: string) => boolean {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Verifying webhook signatures'));
  const code = section && /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md has no ```js block under "## Verifying webhook signatures"');
  return new Function('require', `${code}\nreturn verify;`)(require) as ReturnType<typeof readmeVerify>;
}

describe('webhooks (real PostgreSQL and Kafka)', () => {
  let service: TestService;
  let producer: EventProducer;
  let db: Client;
  let webhooks: WebhooksController;
  let conversions: ConversionsController;
  const receivers: TestReceiver[] = [];

  beforeAll(async () => {
    service = await startService({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_DISABLE_AFTER_FAILURES: String(DISABLE_AFTER) });
    producer = new EventProducer(service.kafka);
    await producer.connect();
    db = new Client({ connectionString: service.databaseUrl });
    await db.connect();
    webhooks = service.app.get(WebhooksController);
    conversions = service.app.get(ConversionsController);
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await producer?.disconnect();
    await db?.end();
    await service?.close();
  });

  const request = rpcRequest;
  const data = replyData;

  async function receiver(answer: (n: number) => number): Promise<TestReceiver> {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  }

  async function subscribe(handle: string, url: string, events: string[] = ['conversion.recorded']): Promise<WebhookView> {
    const { secret, sealedSecret } = mintWebhookSecret();
    return { ...data(await webhooks.create(request(handle, { url, events, sealedSecret }))), secret };
  }

  async function log(handle: string, webhookId: string): Promise<WebhookDeliveryListView> {
    return data(await webhooks.deliveries(request(handle, {}, { webhookId })));
  }

  /** A counted conversion for `handle` (its click stored first), which fans out as conversion.recorded. */
  async function countedConversion(handle: string): Promise<string> {
    const clickId = newEventId();
    const click = clickEvent(handle, 'hooked', clickId);
    await producer.publish(TOPICS.clicks, handle, click);
    await waitFor(async () => (await db.query('SELECT 1 FROM clicks WHERE click_id = $1', [clickId])).rowCount, (n) => n === 1, { what: 'click stored' });
    const view = data(await conversions.record(request(handle, { eventType: 'purchase', value: 42, currency: 'EUR', clickId })));
    expect(view.status).toBe('counted');
    return view.conversionId;
  }

  const headersOf = (r: ReceivedRequest) => r.headers as Record<string, unknown>;

  it('creates, lists, reads, updates and deletes subscriptions, never showing the secret again, per handle', async () => {
    const handle = uniqueId('h');
    const created = await subscribe(handle, 'http://127.0.0.1:9/a', ['conversion.recorded', 'campaign.paused']);
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const { webhookId } = created;

    const listed = data(await webhooks.list(request(handle, {})));
    expect(listed.webhooks).toEqual([expect.objectContaining({ webhookId, url: 'http://127.0.0.1:9/a', enabled: true, consecutiveFailures: 0, disabledReason: null })]);
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    const read = data(await webhooks.get(request(handle, {}, { webhookId })));
    expect(read).not.toHaveProperty('secret');

    const patched = data(await webhooks.update(request(handle, { url: 'http://127.0.0.1:9/b', events: ['campaign.activated'], enabled: false }, { webhookId })));
    expect(patched).toMatchObject({ url: 'http://127.0.0.1:9/b', events: ['campaign.activated'], enabled: false, disabledReason: null });
    const refused = await webhooks.update(request(handle, { url: 'http://169.254.169.254/' }, { webhookId }));
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ status: 400, error: 'invalid_webhook_url' }) });
    expect(await webhooks.test(request(handle, {}, { webhookId }))).toEqual({ ok: false, error: expect.objectContaining({ status: 409, error: 'webhook_disabled' }) });

    const other = uniqueId('h');
    for (const reply of [
      await webhooks.get(request(other, {}, { webhookId })),
      await webhooks.update(request(other, { enabled: true }, { webhookId })),
      await webhooks.deliveries(request(other, {}, { webhookId })),
      await webhooks.delete(request(other, {}, { webhookId })),
      await webhooks.get(request(handle, {}, { webhookId: 'not-a-uuid' })),
    ]) {
      expect(reply).toEqual({ ok: false, error: expect.objectContaining({ status: 404, error: 'webhook_not_found' }) });
    }
    expect(data(await webhooks.list(request(other, {})))).toEqual({ webhooks: [] });

    expect(data(await webhooks.delete(request(handle, {}, { webhookId })))).toEqual({ webhookId, deleted: true });
    expect(await webhooks.get(request(handle, {}, { webhookId }))).toEqual({ ok: false, error: expect.objectContaining({ status: 404 }) });
  });

  it('signs deliveries so that the README snippet verifies them: a test event and a real conversion.recorded', async () => {
    const verify = readmeVerify();
    const handle = uniqueId('h');
    const hook = await receiver(() => 204);
    const { webhookId, secret } = await subscribe(handle, hook.url);

    const queued = data(await webhooks.test(request(handle, {}, { webhookId })));
    expect(queued).toMatchObject({ webhookId, eventType: 'webhook.test', status: 'pending' });
    const conversionId = await countedConversion(handle);
    await waitFor(async () => hook.received, (r) => r.length >= 2, { what: 'two deliveries' });

    const bodies = hook.received.map((r) => JSON.parse(r.raw) as { id: string; type: string; data: Record<string, unknown> });
    expect(bodies.map((b) => b.type).sort()).toEqual(['conversion.recorded', 'webhook.test']);
    expect(bodies.find((b) => b.type === 'conversion.recorded')?.data).toMatchObject({ conversionId, value: 42, currency: 'EUR' });
    for (const delivery of hook.received) {
      expect(verify(secret!, headersOf(delivery), delivery.raw)).toBe(true);
      expect(verify(secret!, headersOf(delivery), delivery.raw.replace('}', ' }'))).toBe(false);
      expect(verify(`${secret}x`, headersOf(delivery), delivery.raw)).toBe(false);
      expect(verify(secret!, { ...headersOf(delivery), 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) }, delivery.raw)).toBe(false);
    }
  });

  it('keeps the signing secret sealed at rest, seals rows stored in clear before, and still signs with them', async () => {
    const storedSecret = async (webhookId: string) => (await db.query('SELECT secret FROM webhook_subscriptions WHERE webhook_id = $1', [webhookId])).rows[0].secret as string;
    const handle = uniqueId('h');
    const hook = await receiver(() => 204);
    const created = await subscribe(handle, hook.url);
    const atRest = await storedSecret(created.webhookId);
    expect(atRest).toMatch(/^enc:v1:test:/);
    expect(atRest).not.toContain(created.secret!.slice('whsec_'.length));

    // A subscription stored before encryption (its secret in clear) is sealed in place at boot.
    const legacy = { webhookId: newEventId(), secret: `whsec_${'ab'.repeat(32)}` };
    await db.query('INSERT INTO webhook_subscriptions (webhook_id, handle, url, events, secret) VALUES ($1, $2, $3, $4, $5)', [legacy.webhookId, handle, hook.url, ['conversion.recorded'], legacy.secret]);
    expect(await service.app.get(WebhookSecrets).resealStoredSecrets()).toBe(1);
    expect(await storedSecret(legacy.webhookId)).toMatch(/^enc:v1:test:/);
    expect(await storedSecret(legacy.webhookId)).not.toContain('ab'.repeat(32));
    expect(await service.app.get(WebhookSecrets).resealStoredSecrets()).toBe(0);

    data(await webhooks.test(request(handle, {}, { webhookId: legacy.webhookId })));
    const [delivery] = await waitFor(async () => hook.received, (r) => r.length >= 1, { what: 'delivery signed with the sealed legacy secret' });
    expect(readmeVerify()(legacy.secret, headersOf(delivery), delivery.raw)).toBe(true);

    // A secret the gateway sealed under other keys is refused (the keys must be shared), and nothing is stored.
    const foreign = mintWebhookSecret(`other:${Buffer.alloc(32, 9).toString('base64')}`);
    expect(await webhooks.create(request(handle, { url: hook.url, events: ['conversion.recorded'], sealedSecret: foreign.sealedSecret }))).toMatchObject({ ok: false, error: { status: 503 } });
    expect(await webhooks.create(request(handle, { url: hook.url, events: ['conversion.recorded'], sealedSecret: 'whsec_plain' }))).toMatchObject({ ok: false, error: { status: 400 } });
    expect((await db.query('SELECT count(*)::int AS n FROM webhook_subscriptions WHERE handle = $1', [handle])).rows[0].n).toBe(2);
  });

  it('retries a receiver that fails twice: one delivery, three attempts in the log, then redelivers it on request', async () => {
    const handle = uniqueId('h');
    const hook = await receiver((n) => (n <= 2 ? 500 : 200));
    const { webhookId } = await subscribe(handle, hook.url);
    await countedConversion(handle);
    const page = await waitFor(() => log(handle, webhookId), (p) => p.items[0]?.status === 'delivered', { what: 'delivered after retries', timeoutMs: 30000 });
    expect(page.items).toHaveLength(1);
    const [delivery] = page.items;
    expect(delivery).toMatchObject({ eventType: 'conversion.recorded', status: 'delivered', attempts: 3, nextAttemptAt: null });
    expect(delivery.attemptLog.map((a) => [a.attemptNo, a.statusCode, a.responseBody])).toEqual([
      // The receiver is on loopback (a private target): its answers are not kept in the log.
      [1, 500, null],
      [2, 500, null],
      [3, 200, null],
    ]);
    expect(delivery.attemptLog.every((a) => a.latencyMs >= 0 && a.error === null)).toBe(true);
    expect(data(await webhooks.get(request(handle, {}, { webhookId })))).toMatchObject({ enabled: true, consecutiveFailures: 0 });

    const again = data(await webhooks.redeliver(request(handle, {}, { webhookId, deliveryId: delivery.deliveryId })));
    expect(again).toMatchObject({ deliveryId: delivery.deliveryId, status: 'pending' });
    await waitFor(() => log(handle, webhookId), (p) => p.items[0]?.attempts === 4 && p.items[0].status === 'delivered', { what: 'redelivered' });
    expect(hook.received).toHaveLength(4);
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const missing = await webhooks.redeliver(request(handle, {}, { webhookId, deliveryId: newEventId() }));
    expect(missing).toEqual({ ok: false, error: expect.objectContaining({ status: 404, error: 'delivery_not_found' }) });
  });

  it(`disables a subscription after ${DISABLE_AFTER} consecutive failures, says why, and can be re-enabled`, async () => {
    const handle = uniqueId('h');
    let healthy = false;
    const hook = await receiver(() => (healthy ? 200 : 503));
    const { webhookId } = await subscribe(handle, hook.url);
    await countedConversion(handle);
    const disabled = await waitFor(() => webhooks.get(request(handle, {}, { webhookId })).then(data<WebhookDetailView>), (w) => !w.enabled, {
      what: 'subscription disabled',
      timeoutMs: 30000,
    });
    expect(disabled).toMatchObject({ consecutiveFailures: DISABLE_AFTER, disabledReason: expect.stringContaining(`${DISABLE_AFTER} consecutive failed`) });
    expect(disabled.disabledReason).toContain('503');
    // The queued retry is not sent to a disabled subscription; it fails, visibly, without contacting the receiver.
    const page = await waitFor(() => log(handle, webhookId), (p) => p.items[0]?.status === 'failed', { what: 'delivery failed', timeoutMs: 30000 });
    expect(page.items[0].attemptLog.at(-1)).toMatchObject({ error: 'subscription disabled', statusCode: null });
    expect(hook.received).toHaveLength(DISABLE_AFTER);

    healthy = true;
    expect(data(await webhooks.update(request(handle, { enabled: true }, { webhookId })))).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
    data(await webhooks.redeliver(request(handle, {}, { webhookId, deliveryId: page.items[0].deliveryId })));
    await waitFor(() => log(handle, webhookId), (p) => p.items[0]?.status === 'delivered', { what: 'redelivered after re-enabling' });
  });

  it('delivers campaign.activated and campaign.paused from the campaign events, nothing else from that topic', async () => {
    const handle = uniqueId('h');
    const hook = await receiver(() => 200);
    await subscribe(handle, hook.url, ['campaign.activated', 'campaign.paused']);
    const event = (type: string, payload: Record<string, unknown>) =>
      createEnvelope({ type, version: 1, handle, aggregateId: 'spring-launch', aggregateVersion: 2, payload });
    await producer.publish(TOPICS.campaignEvents, handle, event('campaign.created', { campaignId: 'spring-launch' }));
    await producer.publish(TOPICS.campaignEvents, handle, event('campaign.activated', { campaignId: 'spring-launch', previousStatus: 'DRAFT' }));
    await producer.publish(TOPICS.campaignEvents, handle, event('campaign.paused', { campaignId: 'spring-launch', previousStatus: 'ACTIVE' }));
    await waitFor(async () => hook.received, (r) => r.length >= 2, { what: 'campaign webhooks' });
    await new Promise((r) => setTimeout(r, 1000));
    const bodies = hook.received.map((r) => JSON.parse(r.raw) as { type: string; data: Record<string, unknown> });
    expect(bodies.map((b) => b.type).sort()).toEqual(['campaign.activated', 'campaign.paused']);
    expect(bodies.find((b) => b.type === 'campaign.paused')?.data).toEqual({ campaignId: 'spring-launch', previousStatus: 'ACTIVE' });
  });
});
