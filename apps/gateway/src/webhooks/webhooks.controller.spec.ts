import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { openSecret, parseSecretKeyring, WEBHOOK_SECRET_PURPOSE } from '@funnel/auth';
import { RPC } from '@funnel/contracts';
import type { RpcClient } from '../platform/rpc/rpc.client';
import { DeliveryParams, WebhookParams } from './webhook-params';
import { WebhooksController } from './webhooks.controller';

describe('gateway WebhooksController', () => {
  const caller = { handle: 'acme', requestId: 'r1', actor: { sub: 'u', role: 'CREATOR' as const } };
  const webhookId = '01936b2e-0000-7000-8000-000000000001';
  const deliveryId = '01936b2e-0000-7000-8000-000000000002';
  const env = { WEBHOOK_SECRET_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}` };

  it('mints the signing secret, sends it sealed (never in clear) and shows it in the reply', async () => {
    const calls: unknown[][] = [];
    const rpc = { call: async (...args: unknown[]) => (calls.push(args), { webhookId, handle: 'acme' }) } as unknown as RpcClient;
    const reply = await new WebhooksController(rpc, env).create({ handle: 'acme' }, { url: 'https://example.com/h', events: ['conversion.recorded'] }, caller);
    expect(reply.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const body = calls[0][3] as { sealedSecret: string };
    expect(JSON.stringify(calls)).not.toContain(reply.secret!.slice('whsec_'.length));
    expect(openSecret(parseSecretKeyring(env.WEBHOOK_SECRET_KEYS), body.sealedSecret, WEBHOOK_SECRET_PURPOSE)).toBe(reply.secret);
  });

  it('maps every route to its RPC pattern with the ids as params', async () => {
    const calls: unknown[][] = [];
    const rpc = { call: async (...args: unknown[]) => void calls.push(args) } as unknown as RpcClient;
    const controller = new WebhooksController(rpc, env);
    const one = { handle: 'acme', webhookId };
    await controller.list({ handle: 'acme' }, caller);
    await controller.get(one, caller);
    await controller.update(one, { enabled: true }, caller);
    await controller.remove(one, caller);
    await controller.test(one, caller);
    await controller.deliveries(one, { limit: 5 }, caller);
    await controller.redeliver({ ...one, deliveryId }, caller);
    expect(calls.map(([rpc, , params, body]) => [(rpc as { pattern: string }).pattern, params, body])).toEqual([
      [RPC.webhookList, {}, {}],
      [RPC.webhookGet, { webhookId }, {}],
      [RPC.webhookUpdate, { webhookId }, { enabled: true }],
      [RPC.webhookDelete, { webhookId }, {}],
      [RPC.webhookTest, { webhookId }, {}],
      [RPC.webhookDeliveries, { webhookId }, { limit: 5 }],
      [RPC.webhookRedeliver, { webhookId, deliveryId }, {}],
    ]);
  });

  it('validates the path ids as UUIDs', () => {
    const errors = (cls: new () => object, value: object) => validateSync(plainToInstance(cls, value)).map((e) => e.property);
    expect(errors(WebhookParams, { handle: 'acme', webhookId })).toEqual([]);
    expect(errors(WebhookParams, { handle: 'acme', webhookId: '../etc' })).toEqual(['webhookId']);
    expect(errors(DeliveryParams, { handle: 'acme', webhookId, deliveryId: 'x' })).toEqual(['deliveryId']);
  });
});
