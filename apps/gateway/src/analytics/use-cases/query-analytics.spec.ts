import 'reflect-metadata';
import { RPC, RpcBodyOf, RpcDeclaration, RpcPattern, RpcResultOf } from '@funnel/contracts';
import type { Caller } from '../../auth/caller.decorator';
import { ApiException } from '../../platform/http/api.exception';
import { GetFunnel } from './get-funnel';
import { QueryAnalytics } from './query-analytics';

const caller: Caller = { handle: 'acme', requestId: 'r1', actor: { sub: 'u1', role: 'CREATOR' } };
const NOW = new Date('2026-02-25T12:00:00Z');

function fakeRpc(answers: Partial<Record<RpcPattern, () => unknown>>) {
  const calls: Array<{ pattern: RpcPattern; params: Record<string, string>; body: object }> = [];
  return {
    calls,
    async call<D extends RpcDeclaration>(rpc: D, _caller: Caller, params: Record<string, string>, body: RpcBodyOf<D>): Promise<RpcResultOf<D>> {
      const pattern = rpc.pattern as RpcPattern;
      calls.push({ pattern, params, body });
      const answer = answers[pattern];
      if (!answer) throw new Error(`unexpected ${pattern}`);
      return answer() as RpcResultOf<D>;
    },
  };
}

const make = (rpc: ReturnType<typeof fakeRpc>) => new QueryAnalytics(rpc, new GetFunnel(rpc), () => NOW);

describe('QueryAnalytics', () => {
  it('sends a series with its range made explicit, after checking the campaign', async () => {
    const rpc = fakeRpc({ [RPC.campaignGet]: () => ({}), [RPC.analyticsSeries]: () => ({ series: [] }) });
    await make(rpc).execute(caller, { granularity: 'day', timeZone: 'Europe/Paris', from: '2026-02-01', campaignId: 'spring' });
    expect(rpc.calls).toEqual([
      { pattern: RPC.campaignGet, params: { campaignId: 'spring' }, body: {} },
      {
        pattern: RPC.analyticsSeries,
        params: {},
        body: { granularity: 'day', timeZone: 'Europe/Paris', from: '2026-01-31T23:00:00.000Z', to: NOW.toISOString(), campaignId: 'spring' },
      },
    ]);
  });

  it('sends groupBy to the projector and keeps the funnel path', async () => {
    const rpc = fakeRpc({ [RPC.campaignGet]: () => ({}), [RPC.analyticsGroupBy]: () => ({}), [RPC.analyticsFunnel]: () => ({ funnel: [] }) });
    await make(rpc).execute(caller, { groupBy: 'segment', campaignId: 'spring' });
    await make(rpc).execute(caller, { funnel: 'true' });
    expect(rpc.calls.map((c) => [c.pattern, c.body])).toEqual([
      [RPC.campaignGet, {}],
      [RPC.analyticsGroupBy, { groupBy: 'segment', campaignId: 'spring' }],
      [RPC.analyticsFunnel, {}],
    ]);
  });

  it('answers 400 naming the field, without any RPC', async () => {
    const rpc = fakeRpc({});
    const error = await make(rpc).execute(caller, { granularity: 'day', from: '2026-02-10', to: '2026-02-01' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect(error).toMatchObject({ errorCode: 'validation_failed', fields: [{ field: 'to', code: 'invalid_range' }] });
    expect(rpc.calls).toEqual([]);
  });

  it('answers campaign_not_found for an unknown campaign', async () => {
    const rpc = fakeRpc({
      [RPC.campaignGet]: () => {
        throw new ApiException(404, 'campaign_not_found', 'Campaign not found');
      },
    });
    await expect(make(rpc).execute(caller, { groupBy: 'segment', campaignId: 'nope-nope' })).rejects.toMatchObject({ errorCode: 'campaign_not_found' });
    expect(rpc.calls.map((c) => c.pattern)).toEqual([RPC.campaignGet]);
  });
});
