import 'reflect-metadata';
import { Client } from 'pg';
import { RpcReply, WebhookView } from '@funnel/contracts';
import { uniqueId } from '@funnel/testing';
import { WebhooksController } from '../src/webhooks/webhooks.controller';
import { mintWebhookSecret, replyData, rpcRequest, startService, TestService } from './conversion-harness';

jest.setTimeout(120000);

/**
 * A hostile tenant at its webhook limit (hostile-tenant suite), against real PostgreSQL: past
 * MAX_WEBHOOKS_PER_HANDLE the create answers 409 `limit_exceeded` with the limit, and nothing is
 * stored; concurrent creations take the last slot once; another handle is unaffected.
 */
describe('per-handle limit on webhook subscriptions (real PostgreSQL)', () => {
  const LIMIT = 2;
  let service: TestService;
  let db: Client;

  beforeAll(async () => {
    service = await startService({ WEBHOOK_ALLOW_PRIVATE: 'true', MAX_WEBHOOKS_PER_HANDLE: String(LIMIT) });
    db = new Client({ connectionString: service.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await service?.close();
  });

  const create = (handle: string, n: number): Promise<RpcReply<WebhookView>> =>
    service.app.get(WebhooksController).create(rpcRequest(handle, { url: `http://127.0.0.1:9/hooks/${n}`, events: ['conversion.recorded'], sealedSecret: mintWebhookSecret().sealedSecret }));
  const stored = async (handle: string): Promise<number> =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM webhook_subscriptions WHERE handle = $1', [handle])).rows[0].n);

  it('refuses the subscription past the limit with 409 limit_exceeded, stores nothing, and leaves other handles alone', async () => {
    const hostile = uniqueId('hooklimit');
    const other = uniqueId('hookother');
    const first = replyData(await create(hostile, 0));
    replyData(await create(hostile, 1));

    const refused = await create(hostile, 2);
    expect(refused).toEqual({
      ok: false,
      error: expect.objectContaining({ status: 409, error: 'limit_exceeded', details: { resource: 'webhooks', limit: LIMIT } }),
    });
    expect(await stored(hostile)).toBe(LIMIT);

    for (let i = 0; i < LIMIT; i++) replyData(await create(other, i));
    expect(await stored(other)).toBe(LIMIT);

    // Deleting one frees its slot.
    replyData(await service.app.get(WebhooksController).delete(rpcRequest(hostile, {}, { webhookId: first.webhookId })));
    replyData(await create(hostile, 3));
    expect(await stored(hostile)).toBe(LIMIT);
  });

  it('gives the last slot to exactly one of several concurrent creations', async () => {
    const handle = uniqueId('hookrace');
    replyData(await create(handle, 0));
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => create(handle, 10 + i)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error.error === 'limit_exceeded')).toHaveLength(5);
    expect(await stored(handle)).toBe(LIMIT);
  });
});
