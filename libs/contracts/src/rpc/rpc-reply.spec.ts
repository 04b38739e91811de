import { parseRpcReply } from './rpc-reply';

describe('parseRpcReply', () => {
  it('accepts the two RpcReply forms', () => {
    expect(parseRpcReply({ ok: true, data: { a: 1 } })).toEqual({ ok: true, data: { a: 1 } });
    const error = { status: 404, error: 'campaign_not_found', message: 'nope', fields: [{ field: 'x', message: 'm', code: 'c' }] };
    expect(parseRpcReply({ ok: false, error })).toEqual({ ok: false, error });
  });

  it('refuses anything else, so a broken service cannot pick an arbitrary status', () => {
    for (const raw of [undefined, null, 'text', [], { ok: true }, { ok: false, error: { status: 200, error: 'x', message: 'y' } },
      { ok: false, error: { status: 404, error: 'x' } }, { ok: false, error: { status: 400, error: 'x', message: 'y', fields: [{}] } }]) {
      expect(parseRpcReply(raw)).toBeNull();
    }
  });
});
