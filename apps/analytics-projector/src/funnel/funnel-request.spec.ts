import 'reflect-metadata';
import { parseFunnelRequest } from './funnel-request';

const request = (body: unknown, handle: unknown = 'acme') => ({ handle, requestId: 'r1', actor: { sub: 'u', role: 'CREATOR' }, params: {}, body });

describe('parseFunnelRequest', () => {
  it('accepts the gateway body with or without funnel=true', () => {
    expect(parseFunnelRequest(request({ campaignId: 'spring-launch' }))).toEqual({ ok: true, value: { handle: 'acme', requestId: 'r1', campaignId: 'spring-launch' } });
    expect(parseFunnelRequest(request({ funnel: 'true' }))).toEqual({ ok: true, value: { handle: 'acme', requestId: 'r1' } });
    expect(parseFunnelRequest(request(undefined))).toEqual({ ok: true, value: { handle: 'acme', requestId: 'r1' } });
  });

  it('answers invalid_campaign_id for a bad campaign id', () => {
    const checked = parseFunnelRequest(request({ campaignId: "X'; DROP TABLE clicks; --" }));
    expect(checked).toMatchObject({ ok: false, reply: { ok: false, error: { status: 400, error: 'invalid_campaign_id' } } });
  });

  it('refuses a bad handle, a bad body and funnel other than true', () => {
    expect(parseFunnelRequest(request({}, 'Bad Handle'))).toMatchObject({ ok: false, reply: { error: { status: 400, error: 'invalid_handle' } } });
    expect(parseFunnelRequest(request({}, null))).toMatchObject({ ok: false, reply: { error: { status: 400 } } });
    expect(parseFunnelRequest(request([1, 2]))).toMatchObject({ ok: false, reply: { error: { status: 400, error: 'validation_failed' } } });
    expect(parseFunnelRequest(request({ funnel: 'false' }))).toMatchObject({ ok: false, reply: { error: { status: 400, error: 'validation_failed' } } });
    expect(parseFunnelRequest('nope')).toMatchObject({ ok: false, reply: { error: { status: 400, error: 'invalid_request' } } });
  });
});
