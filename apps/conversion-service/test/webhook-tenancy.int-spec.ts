import 'reflect-metadata';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { createEnvelope, newEventId, WebhookView } from '@funnel/contracts';
import { uniqueId, waitFor } from '@funnel/testing';
import { EnqueueWebhookDeliveries } from '../src/webhooks/use-cases/enqueue-webhook-deliveries';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher';
import { WebhooksController } from '../src/webhooks/webhooks.controller';
import { mintWebhookSecret, replyData, rpcRequest, startService, TestService } from './conversion-harness';

jest.setTimeout(120000);

/** A receiver that answers 200 after `delayMs`, noting when each request arrived. */
async function receiver(delayMs: number): Promise<{ url: string; arrivals: number[]; server: Server }> {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.push(Date.now());
      setTimeout(() => res.writeHead(200).end('ok'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, arrivals, server };
}

/**
 * One tenant's slow receiver must not hold up another tenant's deliveries (hostile-tenant suite):
 * tenant A has 40 due deliveries to a receiver that takes 3 s to answer each; tenant B's 5
 * deliveries, queued after all of A's, must still all arrive well before one slow answer (3 s) could have been waited for.
 */
describe('webhook subscriptions between tenants (real PostgreSQL)', () => {
  let service: TestService;
  let db: Client;
  const servers: Server[] = [];

  beforeAll(async () => {
    service = await startService({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_MAX_IN_FLIGHT: '8', WEBHOOK_MAX_IN_FLIGHT_PER_HANDLE: '4' });
    db = new Client({ connectionString: service.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await db?.end();
    await service?.close();
  });

  async function subscribe(handle: string, url: string): Promise<WebhookView> {
    const webhooks = service.app.get(WebhooksController);
    const { secret, sealedSecret } = mintWebhookSecret();
    return { ...replyData(await webhooks.create(rpcRequest(handle, { url, events: ['conversion.recorded'], sealedSecret }))), secret };
  }

  async function enqueue(handle: string, webhookId: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const eventId = newEventId();
      await db.query(
        `INSERT INTO webhook_deliveries (delivery_id, subscription_id, handle, event_id, event_type, body, next_attempt_at)
         VALUES (gen_random_uuid(), $1, $2, $3, 'conversion.recorded', $4, now())`,
        [webhookId, handle, eventId, JSON.stringify({ id: eventId, type: 'conversion.recorded', createdAt: new Date().toISOString(), data: {} })],
      );
    }
  }

  it('keeps another handle within its normal latency while one handle\'s receiver is slow', async () => {
    const slow = await receiver(3000);
    const fast = await receiver(0);
    servers.push(slow.server, fast.server);
    const a = uniqueId('slowtenant');
    const b = uniqueId('fasttenant');
    const hookA = await subscribe(a, slow.url);
    const hookB = await subscribe(b, fast.url);

    await enqueue(a, hookA.webhookId, 40);
    const queuedB = Date.now();
    await enqueue(b, hookB.webhookId, 5);
    service.app.get(WebhookDispatcher).wake();

    await waitFor(async () => fast.arrivals.length, (n) => n === 5, { what: "tenant B's 5 deliveries", timeoutMs: 20000, intervalMs: 20 });
    const worst = Math.max(...fast.arrivals) - queuedB;
    // The slow tenant holds at most its own 4 slots; B never waits for a 3 s answer.
    expect(worst).toBeLessThan(2500);
    // A is throttled to its per-handle share, not starved: its first sends went out at once.
    expect(slow.arrivals.length).toBeGreaterThan(0);
    expect(slow.arrivals.length).toBeLessThanOrEqual(4);
  });

  it('never fans out an event that occurred before the subscription existed', async () => {
    const fast = await receiver(0);
    servers.push(fast.server);
    const handle = uniqueId('latecomer');
    const before = new Date(Date.now() - 60_000).toISOString();
    const hook = await subscribe(handle, fast.url);
    const enqueue = service.app.get(EnqueueWebhookDeliveries);
    const event = (occurredAt: string) =>
      ({ ...createEnvelope({ type: 'conversion.recorded', version: 1, handle, aggregateId: newEventId(), payload: {} }), occurredAt });
    expect(await enqueue.execute(event(before))).toBe(0);
    expect(await enqueue.execute(event(new Date(Date.now() + 1000).toISOString()))).toBe(1);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1', [hook.webhookId]);
    expect(rows[0].n).toBe(1);
  });
});
