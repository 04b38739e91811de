// class-transformer's @Type in the contracts reads decorator metadata.
import 'reflect-metadata';
import { CAMPAIGN_ID_PATTERN, CampaignCreatedV2, CreateCampaignBody, CreateCampaignResult, GOAL_DEFAULTS, GOAL_TYPES, Result, validateInput } from '@funnel/contracts';
import { campaignState, FakeCampaignRepository } from '../../../test/fake-repositories';
import { foldCampaign, toCampaignSnapshot } from '../campaign';
import { CreateCampaign, generateCampaignId, QUICK_START } from './create-campaign';

function body(fields: Partial<CreateCampaignBody>): CreateCampaignBody {
  return Object.assign(new CreateCampaignBody(), { goalType: 'PRODUCT_SALE', ...fields });
}

function data(reply: Result<CreateCampaignResult>): CreateCampaignResult {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.value;
}

describe('CreateCampaign', () => {
  let repo: FakeCampaignRepository;
  let useCase: CreateCampaign;

  beforeEach(() => {
    repo = new FakeCampaignRepository();
    useCase = new CreateCampaign(repo);
  });

  it('creates the seed example with goal defaults, the given status and the quick start', async () => {
    const result = data(
      await useCase.execute({
        handle: 'acme',
        requestId: 'req-1',
        body: body({ campaignId: 'spring-launch', status: 'ACTIVE', primarySlug: 'spring-promo' }),
      }),
    );
    expect(result.campaign).toMatchObject({
      campaignId: 'spring-launch',
      handle: 'acme',
      name: null,
      goalType: 'PRODUCT_SALE',
      status: 'ACTIVE',
      trackingPreset: 'ga4_purchase',
      eventType: 'purchase',
      primarySlug: 'spring-promo',
      cookieDurationDays: 30,
      version: 1,
    });
    expect(result.quickStart).toEqual([
      'Share the short URL in your campaign channel.',
      'Click once to validate click/context tracking.',
      'Post one conversion event to complete activation.',
    ]);
    expect(result.quickStart).toEqual(QUICK_START);
  });

  it('appends one campaign.created v2 event at version 1 whose fold equals the stored state', async () => {
    await useCase.execute({ handle: 'acme', requestId: 'req-2', body: body({ campaignId: 'spring-launch' }) });
    expect(repo.appended).toHaveLength(1);
    const [event] = repo.appended;
    expect(event).toMatchObject({
      type: CampaignCreatedV2.type,
      version: CampaignCreatedV2.version,
      handle: 'acme',
      aggregateId: 'spring-launch',
      aggregateVersion: 1,
      correlationId: 'req-2',
      causationId: null,
      payload: expect.objectContaining({ attributionModel: 'LAST_CLICK' }),
    });
    expect(foldCampaign(repo.appended)).toEqual(await repo.find('acme', 'spring-launch'));
  });

  it('defaults attributionModel to LAST_CLICK and keeps an explicit FIRST_CLICK in the view, the event and the snapshot', async () => {
    const defaulted = data(await useCase.execute({ handle: 'acme', requestId: 'r', body: body({ campaignId: 'plain-one' }) }));
    expect(defaulted.campaign.attributionModel).toBe('LAST_CLICK');
    const chosen = data(await useCase.execute({ handle: 'acme', requestId: 'r', body: body({ campaignId: 'first-one', attributionModel: 'FIRST_CLICK' }) }));
    expect(chosen.campaign.attributionModel).toBe('FIRST_CLICK');
    expect(repo.appended[1].payload).toMatchObject({ campaignId: 'first-one', attributionModel: 'FIRST_CLICK' });
    expect(toCampaignSnapshot((await repo.find('acme', 'first-one'))!)).toMatchObject({ attributionModel: 'FIRST_CLICK' });
    expect(toCampaignSnapshot((await repo.find('acme', 'plain-one'))!)).toMatchObject({ attributionModel: 'LAST_CLICK' });
  });

  it.each([['LAST_CLICK'], ['FIRST_CLICK']])('accepts attributionModel %p in the create body', (attributionModel) => {
    expect(validateInput(CreateCampaignBody, { goalType: 'PRODUCT_SALE', attributionModel }).ok).toBe(true);
  });

  it.each([['last_click'], ['LINEAR'], [''], [1], [null]])('rejects attributionModel %p with 400 validation_failed on that field', (attributionModel) => {
    const checked = validateInput(CreateCampaignBody, { goalType: 'PRODUCT_SALE', attributionModel });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked).toEqual({
      ok: false,
      error: expect.objectContaining({
        status: 400,
        error: 'validation_failed',
        // A null value is reported as missing, as the gateway reports it.
        fields: [expect.objectContaining({ field: 'attributionModel', code: attributionModel === null ? 'required' : 'is_in' })],
      }),
    });
  });

  it('generates cmp_ + 16 hex when campaignId is omitted, matching the campaign id pattern', async () => {
    const { campaign } = data(await useCase.execute({ handle: 'acme', requestId: 'r', body: body({}) }));
    expect(campaign.campaignId).toMatch(/^cmp_[0-9a-f]{16}$/);
    expect(campaign.campaignId).toMatch(CAMPAIGN_ID_PATTERN);
    const ids = new Set(Array.from({ length: 200 }, generateCampaignId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(CAMPAIGN_ID_PATTERN);
  });

  it.each(['ab', 'Spring', '-spring', 'spring launch', 'x'.repeat(65)])('rejects campaignId %p with 400 invalid_campaign_id', async (campaignId) => {
    const reply = await useCase.execute({ handle: 'acme', requestId: 'r', body: body({ campaignId }) });
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_campaign_id' }) });
    expect(repo.appended).toHaveLength(0);
  });

  it.each(GOAL_TYPES)('defaults tracking preset and event type from goal type %s', async (goalType) => {
    const { campaign } = data(await useCase.execute({ handle: 'acme', requestId: 'r', body: body({ goalType }) }));
    expect(campaign.trackingPreset).toBe(GOAL_DEFAULTS[goalType].trackingPreset);
    expect(campaign.eventType).toBe(GOAL_DEFAULTS[goalType].eventType);
    expect(campaign.status).toBe('DRAFT');
  });

  it('lets trackingPreset, eventType, name and cookieDurationDays override the defaults', async () => {
    const { campaign } = data(
      await useCase.execute({
        handle: 'acme',
        requestId: 'r',
        body: body({ goalType: 'LEAD_CAPTURE', trackingPreset: 'custom_webhook', eventType: 'demo_booked', name: 'Spring', cookieDurationDays: 7 }),
      }),
    );
    expect(campaign).toMatchObject({ trackingPreset: 'custom_webhook', eventType: 'demo_booked', name: 'Spring', cookieDurationDays: 7 });
  });

  it('answers 409 campaign_conflict when the id exists for the handle, and changes nothing', async () => {
    repo.add(campaignState({ handle: 'acme', campaignId: 'spring-launch', status: 'PAUSED' }));
    const reply = await useCase.execute({ handle: 'acme', requestId: 'r', body: body({ campaignId: 'spring-launch' }) });
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'campaign_conflict' }) });
    expect((await repo.find('acme', 'spring-launch'))?.status).toBe('PAUSED');
    expect(repo.appended).toHaveLength(0);
  });

  it('allows the same campaignId under another handle', async () => {
    repo.add(campaignState({ handle: 'other', campaignId: 'spring-launch' }));
    const reply = await useCase.execute({ handle: 'acme', requestId: 'r', body: body({ campaignId: 'spring-launch' }) });
    expect(reply.ok).toBe(true);
  });

  it('answers 409 campaign_conflict when a concurrent create wins between load and append', async () => {
    repo.beforeSave = () => repo.add(campaignState({ handle: 'acme', campaignId: 'spring-launch' }));
    const reply = await useCase.execute({ handle: 'acme', requestId: 'r', body: body({ campaignId: 'spring-launch' }) });
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'campaign_conflict' }) });
  });
});
