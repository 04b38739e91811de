import 'reflect-metadata';
import { CAMPAIGN_RPC } from '../campaigns/campaign.rpc';
import { ANALYTICS_RPC } from '../analytics/analytics.rpc';
import { defineRpc, EmptyBody, RpcBodyOf, RpcResultOf, validateInput } from './define-rpc';
import { RPC, RPCS } from './registry';
import { parseRpcRequest } from './rpc-request';

const request = (body: unknown, handle: unknown = 'acme', extra: Record<string, unknown> = {}) => ({
  handle,
  requestId: 'r1',
  actor: { sub: 'u1', role: 'CREATOR' },
  params: { campaignId: 'spring-launch', ignored: 7 },
  body,
  ...extra,
});

describe('parseRpcRequest', () => {
  it('checks the envelope and validates the body with the declared class', () => {
    const parsed = parseRpcRequest(CAMPAIGN_RPC.campaignCreate, request({ goalType: 'LEAD_CAPTURE', campaignId: 'spring-launch' }));
    expect(parsed).toMatchObject({
      ok: true,
      request: { handle: 'acme', requestId: 'r1', actor: { sub: 'u1', role: 'CREATOR' }, params: { campaignId: 'spring-launch' }, body: { goalType: 'LEAD_CAPTURE' } },
    });
    expect(parsed.ok && parsed.request.body.constructor.name).toBe('CreateCampaignBody');
  });

  it('treats an absent or null body as {} and refuses any field on a path-only request', () => {
    expect(parseRpcRequest(CAMPAIGN_RPC.campaignGet, request(undefined)).ok).toBe(true);
    expect(parseRpcRequest(CAMPAIGN_RPC.campaignGet, request(null)).ok).toBe(true);
    expect(parseRpcRequest(CAMPAIGN_RPC.campaignGet, request({ x: 1 }))).toMatchObject({
      ok: false,
      invalid: 'body',
      error: { status: 400, error: 'validation_failed', fields: [{ field: 'x', code: 'unknown_field' }] },
    });
  });

  it('answers invalid_request for a request that is not an object and invalid_handle for a bad handle', () => {
    expect(parseRpcRequest(CAMPAIGN_RPC.campaignGet, 'nope')).toMatchObject({ ok: false, invalid: 'request', error: { status: 400, error: 'invalid_request' } });
    expect(parseRpcRequest(CAMPAIGN_RPC.campaignGet, [1])).toMatchObject({ ok: false, error: { error: 'invalid_request' } });
    for (const handle of ['Bad Handle', null, 42, 'a']) {
      expect(parseRpcRequest(CAMPAIGN_RPC.campaignGet, request({}, handle))).toMatchObject({ ok: false, invalid: 'request', error: { status: 400, error: 'invalid_handle' } });
    }
  });

  it('answers the same codes as the gateway for a bad body', () => {
    expect(parseRpcRequest(ANALYTICS_RPC.analyticsFunnel, request({ campaignId: "X'; DROP TABLE clicks; --" }))).toMatchObject({
      ok: false,
      error: { status: 400, error: 'invalid_campaign_id', fields: [{ field: 'campaignId', code: 'matches' }] },
    });
    expect(parseRpcRequest(ANALYTICS_RPC.analyticsFunnel, request([1, 2]))).toMatchObject({ ok: false, error: { status: 400, error: 'validation_failed', fields: [{ field: 'body', code: 'invalid_type' }] } });
    expect(parseRpcRequest(ANALYTICS_RPC.analyticsFunnel, request({ funnel: 'false' }))).toMatchObject({ ok: false, error: { error: 'validation_failed', fields: [{ field: 'funnel', code: 'is_in' }] } });
    expect(parseRpcRequest(CAMPAIGN_RPC.campaignCreate, request({}))).toMatchObject({ ok: false, error: { error: 'validation_failed', fields: [{ field: 'goalType', code: 'required' }] } });
  });

  it('keeps string params only and bounds requestId and actor', () => {
    const parsed = parseRpcRequest(CAMPAIGN_RPC.campaignGet, request({}, 'acme', { requestId: 'r'.repeat(300), actor: { sub: 's'.repeat(300), role: 'GOD' } }));
    expect(parsed.ok && parsed.request.params).toEqual({ campaignId: 'spring-launch' });
    expect(parsed.ok && parsed.request.requestId.length).toBe(128);
    expect(parsed.ok && parsed.request.actor).toEqual({ sub: 's'.repeat(200), role: null });
  });
});

describe('validateInput', () => {
  it('refuses a body that is not a JSON object with the gateway message', () => {
    expect(validateInput(EmptyBody, 'x')).toMatchObject({ ok: false, error: { status: 400, error: 'validation_failed', message: 'Request body must be a JSON object' } });
  });
});

describe('RPC declarations', () => {
  it('derive the pattern strings, unchanged, and the reply topics', () => {
    expect(RPC.campaignCreate).toBe('funnel.rpc.campaign.create');
    expect(RPC.analyticsGroupBy).toBe('funnel.rpc.analytics.group-by');
    expect(Object.keys(RPC)).toEqual(Object.keys(RPCS));
    expect(new Set(Object.values(RPC)).size).toBe(Object.keys(RPC).length);
  });

  it('type a call by its declaration', () => {
    class Body {
      name!: string;
    }
    const echo = defineRpc('test.echo', Body)<{ echoed: string }>();
    // Compile-time checks: the body is the declared class, the result the declared reply.
    const body: RpcBodyOf<typeof echo> = { name: 'x' };
    const result: RpcResultOf<typeof echo> = { echoed: body.name };
    // @ts-expect-error a reply of another shape is not the declared one
    const wrong: RpcResultOf<typeof echo> = { name: 'x' };
    // @ts-expect-error a body without the declared fields is refused at compile time
    const badBody: RpcBodyOf<typeof RPCS.campaignCreate> = { name: 'x' };
    const createReply: RpcResultOf<typeof RPCS.campaignCreate>['quickStart'] = ['a'];
    expect([echo.pattern, echo.body, result.echoed, wrong, badBody, createReply]).toEqual(['test.echo', Body, 'x', { name: 'x' }, { name: 'x' }, ['a']]);
  });
});
