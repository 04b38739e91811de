// class-transformer's @Type in the contracts reads decorator metadata.
import 'reflect-metadata';
import { CampaignCreatedV1, CampaignUpdatedV1, createEnvelope } from '@funnel/contracts';
import { applyCampaignEvent, foldCampaign, toCampaignSnapshot } from './campaign';

const created = createEnvelope({
  type: CampaignCreatedV1.type,
  version: CampaignCreatedV1.version,
  handle: 'acme',
  aggregateId: 'spring-launch',
  aggregateVersion: 1,
  occurredAt: new Date('2026-02-25T10:00:00.000Z'),
  payload: { campaignId: 'spring-launch', name: null, goalType: 'PRODUCT_SALE', status: 'DRAFT', trackingPreset: 'ga4_purchase', eventType: 'purchase', primarySlug: null, cookieDurationDays: 30 } satisfies CampaignCreatedV1,
});

const updated = createEnvelope({
  type: CampaignUpdatedV1.type,
  version: CampaignUpdatedV1.version,
  handle: 'acme',
  aggregateId: 'spring-launch',
  aggregateVersion: 2,
  occurredAt: new Date('2026-02-25T11:00:00.000Z'),
  payload: { campaignId: 'spring-launch', status: 'ACTIVE', primarySlug: 'spring-promo' } satisfies CampaignUpdatedV1,
});

describe('campaign aggregate', () => {
  it('folds created then updated: changed fields only, version and updatedAt follow the last event', () => {
    const state = foldCampaign([created, updated]);
    expect(state).toMatchObject({ status: 'ACTIVE', primarySlug: 'spring-promo', trackingPreset: 'ga4_purchase', version: 2 });
    expect(state?.createdAt.toISOString()).toBe('2026-02-25T10:00:00.000Z');
    expect(state?.updatedAt.toISOString()).toBe('2026-02-25T11:00:00.000Z');
    expect(toCampaignSnapshot(state!)).toMatchObject({ schema: 'campaign-snapshot.v1', version: 2, status: 'ACTIVE' });
  });

  it('refuses events it does not know, and updates before creation', () => {
    expect(() => applyCampaignEvent(null, updated)).toThrow(/cannot apply campaign.updated/);
    expect(() => applyCampaignEvent(null, { ...created, version: 99 })).toThrow(/cannot apply/);
  });
});
