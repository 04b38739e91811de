import 'reflect-metadata';
import { RPC } from '@funnel/contracts';
import { ApiException } from '../platform/http/api.exception';
import type { RpcClient } from '../platform/rpc/rpc.client';
import { ConversionsController, idempotencyParams } from './conversions.controller';

describe('idempotencyParams', () => {
  it('passes a well-formed Idempotency-Key on as the idempotencyKey param, and nothing when absent', () => {
    expect(idempotencyParams('0f8fad5b-d9cb-469f-a165-70867728950e')).toEqual({ idempotencyKey: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    expect(idempotencyParams(undefined)).toEqual({});
  });

  it('answers 400 invalid_idempotency_key for an empty, spaced, non-ASCII or too long key', () => {
    for (const bad of ['', 'has space', 'clé', 'k'.repeat(256)]) {
      let error: unknown;
      try {
        idempotencyParams(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ApiException);
      expect((error as ApiException).getStatus()).toBe(400);
      expect((error as ApiException).errorCode).toBe('invalid_idempotency_key');
    }
  });
});

describe('ConversionsController', () => {
  it('forwards the key with the body to the conversion-service', async () => {
    const calls: unknown[][] = [];
    const rpc = { call: async (declaration: { pattern: string }, ...args: unknown[]) => void calls.push([declaration.pattern, ...args]) } as unknown as RpcClient;
    const caller = { handle: 'acme', requestId: 'r1', actor: { sub: 'u', role: 'CREATOR' as const } };
    const body = { eventType: 'purchase', value: 1, currency: 'USD' };
    await new ConversionsController(rpc).record({ handle: 'acme' }, body, 'key-1', caller);
    expect(calls).toEqual([[RPC.conversionRecord, caller, { idempotencyKey: 'key-1' }, body]]);
  });
});
