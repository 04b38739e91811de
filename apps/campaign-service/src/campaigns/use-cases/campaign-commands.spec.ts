// class-transformer's @Type in the contracts reads decorator metadata.
import 'reflect-metadata';
import { CampaignView, Result, UpdateCampaignBody, validateInput } from '@funnel/contracts';
import { campaignState, FakeCampaignRepository, FakeLinkRepository, linkState } from '../../../test/fake-repositories';
import { foldCampaign, toCampaignSnapshot } from '../campaign';
import { ChangeCampaignStatus, GetCampaign, UpdateCampaign } from './campaign-commands';

function data(reply: Result<CampaignView>): CampaignView {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.value;
}

const base = { handle: 'acme', requestId: 'r', campaignId: 'spring-launch' };

describe('ChangeCampaignStatus', () => {
  let repo: FakeCampaignRepository;
  let useCase: ChangeCampaignStatus;

  beforeEach(() => {
    repo = new FakeCampaignRepository();
    useCase = new ChangeCampaignStatus(repo);
  });

  it.each([
    ['DRAFT', 'activate', 'ACTIVE', 'campaign.activated'],
    ['PAUSED', 'activate', 'ACTIVE', 'campaign.activated'],
    ['ACTIVE', 'pause', 'PAUSED', 'campaign.paused'],
  ] as const)('%s --%s--> %s with a %s event', async (from, action, to, type) => {
    repo.add(campaignState({ status: from, version: 3 }));
    expect(data(await useCase.execute({ ...base, action }))).toMatchObject({ status: to, version: 4 });
    expect(repo.appended).toEqual([expect.objectContaining({ type, version: 1, aggregateVersion: 4, payload: { campaignId: 'spring-launch', previousStatus: from } })]);
  });

  it.each([
    ['DRAFT', 'pause'],
    ['ACTIVE', 'activate'],
    ['PAUSED', 'pause'],
  ] as const)('refuses %s --%s--> with 409 invalid_transition naming the current status', async (from, action) => {
    repo.add(campaignState({ status: from }));
    expect(await useCase.execute({ ...base, action })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid_transition', details: expect.objectContaining({ currentStatus: from }) }),
    });
    expect(repo.appended).toHaveLength(0);
  });

  it('answers 412 for a stale If-Match and 404 for another handle', async () => {
    repo.add(campaignState({ status: 'DRAFT', version: 2 }));
    expect(await useCase.execute({ ...base, action: 'activate', ifMatch: 1 })).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
    expect(await useCase.execute({ ...base, handle: 'other', action: 'activate' })).toMatchObject({ ok: false, error: { code: 'campaign_not_found' } });
    expect(repo.appended).toHaveLength(0);
  });
});

describe('UpdateCampaign', () => {
  let repo: FakeCampaignRepository;
  let links: FakeLinkRepository;
  let useCase: UpdateCampaign;
  const body = (fields: Partial<UpdateCampaignBody>) => Object.assign(new UpdateCampaignBody(), fields);

  beforeEach(() => {
    repo = new FakeCampaignRepository();
    links = new FakeLinkRepository();
    useCase = new UpdateCampaign(repo, links);
  });

  it('records only the fields that change, and its fold equals the stored state', async () => {
    const created = campaignState({ version: 1 });
    repo.add(created);
    const view = data(await useCase.execute({ ...base, body: body({ name: 'Spring', eventType: 'purchase', cookieDurationDays: 7 }) }));
    expect(view).toMatchObject({ name: 'Spring', cookieDurationDays: 7, version: 2 });
    expect(repo.appended[0]).toMatchObject({ type: 'campaign.updated', version: 3, payload: { campaignId: 'spring-launch', name: 'Spring', cookieDurationDays: 7 } });
    expect(repo.appended[0].payload).not.toHaveProperty('eventType');
  });

  it('changes attributionModel with a campaign.updated v3 event; the snapshot carries it; omitted keeps it', async () => {
    repo.add(campaignState({ version: 1 }));
    const view = data(await useCase.execute({ ...base, body: body({ attributionModel: 'FIRST_CLICK' }) }));
    expect(view).toMatchObject({ attributionModel: 'FIRST_CLICK', version: 2 });
    expect(repo.appended).toEqual([
      expect.objectContaining({ type: 'campaign.updated', version: 3, payload: { campaignId: 'spring-launch', attributionModel: 'FIRST_CLICK' } }),
    ]);
    const stored = (await repo.find('acme', 'spring-launch'))!;
    expect(toCampaignSnapshot(stored).attributionModel).toBe('FIRST_CLICK');
    // A PATCH without the field leaves the model as it is.
    expect(data(await useCase.execute({ ...base, body: body({ name: 'Renamed' }) }))).toMatchObject({ name: 'Renamed', attributionModel: 'FIRST_CLICK', version: 3 });
    expect(repo.appended[1].payload).not.toHaveProperty('attributionModel');
    // Setting the same model again is no change: no event.
    expect(data(await useCase.execute({ ...base, body: body({ attributionModel: 'FIRST_CLICK' }) })).version).toBe(3);
    expect(repo.appended).toHaveLength(2);
  });

  it('validates attributionModel in the PATCH body', () => {
    expect(validateInput(UpdateCampaignBody, { attributionModel: 'LAST_CLICK' }).ok).toBe(true);
    expect(validateInput(UpdateCampaignBody, { attributionModel: 'FIRST_CLICK' }).ok).toBe(true);
    for (const attributionModel of ['first_click', 'TIME_DECAY', null, 3]) {
      expect(validateInput(UpdateCampaignBody, { attributionModel })).toEqual({
        ok: false,
        error: expect.objectContaining({ status: 400, error: 'validation_failed', fields: [expect.objectContaining({ field: 'attributionModel' })] }),
      });
    }
  });

  it('writes no event when nothing changes', async () => {
    repo.add(campaignState({ name: 'Same' }));
    expect(data(await useCase.execute({ ...base, body: body({ name: 'Same' }) })).version).toBe(1);
    expect(repo.appended).toHaveLength(0);
  });

  it('accepts a primary link of this campaign only', async () => {
    repo.add(campaignState({ primarySlug: null }));
    links.add(linkState({ slug: 'theirs', campaignId: 'other' }));
    links.add(linkState({ slug: 'gone', deleted: true }));
    links.add(linkState({ slug: 'mine' }));
    for (const slug of ['theirs', 'gone', 'missing']) {
      expect(await useCase.execute({ ...base, body: body({ primarySlug: slug }) })).toMatchObject({ ok: false, error: { code: 'invalid_primary_link' } });
    }
    expect(data(await useCase.execute({ ...base, body: body({ primarySlug: 'mine' }) })).primarySlug).toBe('mine');
  });

  it('without If-Match, decides again after losing a race, so no edit is lost', async () => {
    repo.add(campaignState({ version: 1 }));
    let raced = false;
    repo.beforeSave = () => {
      if (raced) return;
      raced = true;
      repo.add(campaignState({ version: 2, name: 'concurrent' }));
    };
    expect(data(await useCase.execute({ ...base, body: body({ description: 'mine' }) }))).toMatchObject({ name: 'concurrent', description: 'mine', version: 3 });
  });

  it('with If-Match, losing the race is a 412', async () => {
    repo.add(campaignState({ version: 1 }));
    repo.beforeSave = () => repo.add(campaignState({ version: 2 }));
    expect(await useCase.execute({ ...base, ifMatch: 1, body: body({ name: 'x' }) })).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
  });
});

describe('GetCampaign', () => {
  it('returns the campaign with its version, 404 for another handle, 400 for a bad id', async () => {
    const repo = new FakeCampaignRepository();
    repo.add(campaignState({ version: 5 }));
    const useCase = new GetCampaign(repo);
    expect(data(await useCase.execute(base)).version).toBe(5);
    expect(await useCase.execute({ ...base, handle: 'other' })).toMatchObject({ ok: false, error: { code: 'campaign_not_found' } });
    expect(await useCase.execute({ ...base, campaignId: 'X' })).toMatchObject({ ok: false, error: { code: 'invalid_campaign_id' } });
  });
});

describe('campaign fold', () => {
  it('folds created, updated v1 and v2, activated and paused', () => {
    const at = '2026-02-25T12:00:00.000Z';
    const env = (aggregateVersion: number, type: string, version: number, payload: object) => ({
      eventId: `e${aggregateVersion}`, type, version, occurredAt: at, handle: 'acme', aggregateId: 'c1', aggregateVersion, correlationId: 'c', causationId: null, payload,
    });
    const state = foldCampaign([
      env(1, 'campaign.created', 1, { campaignId: 'c1', name: null, goalType: 'PRODUCT_SALE', status: 'DRAFT', trackingPreset: 'p', eventType: 'e', primarySlug: null, cookieDurationDays: 30 }),
      env(2, 'campaign.updated', 1, { campaignId: 'c1', name: 'v1 name' }),
      env(3, 'campaign.updated', 2, { campaignId: 'c1', description: 'd' }),
      env(4, 'campaign.activated', 1, { campaignId: 'c1', previousStatus: 'DRAFT' }),
      env(5, 'campaign.paused', 1, { campaignId: 'c1', previousStatus: 'ACTIVE' }),
    ]);
    expect(state).toMatchObject({ name: 'v1 name', description: 'd', status: 'PAUSED', version: 5 });
  });
});
