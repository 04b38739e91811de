// class-transformer's @Type in the contracts reads decorator metadata.
import 'reflect-metadata';
import { HealthView, Result } from '@funnel/contracts';
import { campaignState, FakeCampaignRepository, FakeLinkRepository, linkState } from '../../../test/fake-repositories';
import { CheckCampaignHealth } from './check-campaign-health';

function data(reply: Result<HealthView>): HealthView {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.value;
}

describe('CheckCampaignHealth', () => {
  let campaigns: FakeCampaignRepository;
  let links: FakeLinkRepository;
  let useCase: CheckCampaignHealth;

  beforeEach(() => {
    campaigns = new FakeCampaignRepository();
    links = new FakeLinkRepository();
    useCase = new CheckCampaignHealth(campaigns, links);
  });

  it('returns the seed example (three PASS checks) plus the go-live checks, and READY', async () => {
    campaigns.add(campaignState());
    links.add(linkState());
    expect(data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' }))).toEqual({
      campaignId: 'spring-launch',
      checks: [
        { name: 'tracking_preset', status: 'PASS', detail: "Using tracking preset 'ga4_purchase'." },
        { name: 'conversion_event_type', status: 'PASS', detail: "Using event type 'purchase'." },
        { name: 'primary_link', status: 'PASS', detail: 'Primary link configured: spring-promo' },
        { name: 'campaign_active', status: 'PASS', detail: 'Campaign is ACTIVE and tracking clicks and conversions.' },
        { name: 'primary_link_published', status: 'PASS', detail: "Primary link 'spring-promo' is published to the redirect service." },
      ],
      readiness: 'READY',
    });
  });

  it('warns on a DRAFT campaign and on a link not yet relayed (still READY), fails on PAUSED', async () => {
    campaigns.add(campaignState({ status: 'DRAFT' }));
    links.add(linkState());
    links.unpublished.add('acme/spring-promo');
    const draft = data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' }));
    expect(draft.checks.slice(3).map((c) => c.status)).toEqual(['WARN', 'WARN']);
    expect(draft.readiness).toBe('READY');
    campaigns.add(campaignState({ status: 'PAUSED' }));
    const paused = data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' }));
    expect(paused.checks[3]).toMatchObject({ name: 'campaign_active', status: 'FAIL', detail: expect.stringContaining('PAUSED') });
    expect(paused.readiness).toBe('NOT_READY');
  });

  it('fails primary_link for a deleted link', async () => {
    campaigns.add(campaignState());
    links.add(linkState({ deleted: true }));
    const health = data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' }));
    expect(health.checks.filter((c) => c.status === 'FAIL').map((c) => c.name)).toEqual(['primary_link', 'primary_link_published']);
  });

  it('fails primary_link when no primarySlug is set', async () => {
    campaigns.add(campaignState({ primarySlug: null }));
    const health = data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' }));
    expect(health.checks[2]).toMatchObject({ name: 'primary_link', status: 'FAIL' });
    expect(health.readiness).toBe('NOT_READY');
  });

  it('fails primary_link when the primary link does not exist', async () => {
    campaigns.add(campaignState());
    const health = data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' }));
    expect(health.checks[2]).toEqual({ name: 'primary_link', status: 'FAIL', detail: expect.stringContaining("'spring-promo' does not exist") });
    expect(health.readiness).toBe('NOT_READY');
  });

  it('fails primary_link when the link belongs to another campaign or to none', async () => {
    campaigns.add(campaignState());
    links.add(linkState({ campaignId: 'other-campaign' }));
    expect(data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' })).checks[2].status).toBe('FAIL');
    links.add(linkState({ campaignId: null }));
    expect(data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' })).readiness).toBe('NOT_READY');
  });

  it("does not count another handle's link with the same slug", async () => {
    campaigns.add(campaignState());
    links.add(linkState({ handle: 'other' }));
    expect(data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' })).readiness).toBe('NOT_READY');
  });

  it('reports the campaign overrides in the detail sentences', async () => {
    campaigns.add(campaignState({ goalType: 'LEAD_CAPTURE', trackingPreset: 'ga4_lead', eventType: 'lead' }));
    links.add(linkState());
    const health = data(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' }));
    expect(health.checks.map((c) => c.detail).slice(0, 2)).toEqual(["Using tracking preset 'ga4_lead'.", "Using event type 'lead'."]);
  });

  it("answers 404 campaign_not_found for an unknown campaign and for another handle's campaign", async () => {
    campaigns.add(campaignState({ handle: 'other' }));
    expect(await useCase.execute({ handle: 'acme', campaignId: 'spring-launch' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'campaign_not_found' }),
    });
  });

  it('answers 400 invalid_campaign_id for an id that cannot exist', async () => {
    expect(await useCase.execute({ handle: 'acme', campaignId: 'NO' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid_campaign_id' }),
    });
  });
});
