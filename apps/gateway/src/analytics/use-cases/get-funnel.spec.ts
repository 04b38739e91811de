import 'reflect-metadata';
import { RPC, RpcBodyOf, RpcDeclaration, RpcPattern, RpcResultOf } from '@funnel/contracts';
import type { Caller } from '../../auth/caller.decorator';
import { ApiException } from '../../platform/http/api.exception';
import { GetFunnel } from './get-funnel';

const caller: Caller = { handle: 'acme', requestId: 'r1', actor: { sub: 'u1', role: 'CREATOR' } };
const funnel = { funnel: [] };

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

describe('GetFunnel', () => {
  it('asks analytics directly when no campaign is named', async () => {
    const rpc = fakeRpc({ [RPC.analyticsFunnel]: () => funnel });
    await expect(new GetFunnel(rpc).execute(caller, {})).resolves.toBe(funnel);
    expect(rpc.calls).toEqual([{ pattern: RPC.analyticsFunnel, params: {}, body: {} }]);
  });

  it('passes breakdownLimit on to the projector', async () => {
    const rpc = fakeRpc({ [RPC.analyticsFunnel]: () => funnel });
    await new GetFunnel(rpc).execute(caller, { breakdownLimit: 7 });
    expect(rpc.calls).toEqual([{ pattern: RPC.analyticsFunnel, params: {}, body: { breakdownLimit: 7 } }]);
  });

  it('checks the campaign exists before asking analytics', async () => {
    const rpc = fakeRpc({ [RPC.campaignGet]: () => ({}), [RPC.analyticsFunnel]: () => funnel });
    await new GetFunnel(rpc).execute(caller, { campaignId: 'spring-launch' });
    expect(rpc.calls).toEqual([
      { pattern: RPC.campaignGet, params: { campaignId: 'spring-launch' }, body: {} },
      { pattern: RPC.analyticsFunnel, params: {}, body: { campaignId: 'spring-launch' } },
    ]);
  });

  it('answers campaign_not_found for an unknown campaign without asking analytics', async () => {
    const rpc = fakeRpc({
      [RPC.campaignGet]: () => {
        throw new ApiException(404, 'campaign_not_found', 'Campaign not found');
      },
    });
    await expect(new GetFunnel(rpc).execute(caller, { campaignId: 'nope-nope' })).rejects.toMatchObject({ errorCode: 'campaign_not_found' });
    expect(rpc.calls.map((c) => c.pattern)).toEqual([RPC.campaignGet]);
  });
});
