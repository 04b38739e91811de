import 'reflect-metadata';
import { RPCS, rpcOk } from '@funnel/contracts';
import { serveRpc } from './rpc-server';

const request = (body: unknown) => ({ handle: 'acme', requestId: 'r1', actor: { sub: 'u1', role: 'ADMIN' }, params: {}, body });

describe('serveRpc', () => {
  const logged: string[] = [];
  const logger = { error: (message: string) => void logged.push(message) };

  it('runs the handler with the validated request', async () => {
    const reply = await serveRpc(RPCS.tokenVerify, request({ tokenHash: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }), (req) => rpcOk({ tokenId: 't', handle: req.handle, scopes: [req.body.tokenHash] }), { logger });
    expect(reply).toEqual({ ok: true, data: { tokenId: 't', handle: 'acme', scopes: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'] } });
  });

  it('answers the parse error without running the handler, or the RPC own answer for a bad body', async () => {
    const handler = jest.fn();
    expect(await serveRpc(RPCS.tokenVerify, { ...request({}), handle: 'Bad' }, handler, { logger })).toMatchObject({ ok: false, error: { error: 'invalid_handle' } });
    expect(await serveRpc(RPCS.tokenVerify, request({ tokenHash: 3 }), handler, { logger })).toMatchObject({ ok: false, error: { status: 400, error: 'validation_failed' } });
    const invalidBody = { status: 401, error: 'invalid_token', message: 'no' };
    expect(await serveRpc(RPCS.tokenVerify, request({ tokenHash: 3 }), handler, { logger, invalidBody })).toEqual({ ok: false, error: invalidBody });
    // A bad envelope is never hidden behind the RPC's own answer.
    expect(await serveRpc(RPCS.tokenVerify, 'x', handler, { logger, invalidBody })).toMatchObject({ ok: false, error: { error: 'invalid_request' } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('logs a thrown failure and answers onFailure (500 internal_error by default)', async () => {
    const boom = () => {
      throw new Error('boom');
    };
    expect(await serveRpc(RPCS.tokenList, request({}), boom, { logger })).toMatchObject({ ok: false, error: { status: 500, error: 'internal_error' } });
    const onFailure = { status: 503, error: 'analytics_unavailable', message: 'later' };
    expect(await serveRpc(RPCS.tokenList, request({}), boom, { logger, onFailure })).toEqual({ ok: false, error: onFailure });
    expect(logged[0]).toContain('funnel.rpc.token.list failed for handle acme (request r1)');
  });
});
