// class-transformer's @Type in the contracts reads decorator metadata.
import 'reflect-metadata';
import { CampaignCreatedV1, CampaignCreatedV2, CampaignUpdatedV1, CampaignUpdatedV2, CampaignUpdatedV3, createEnvelope } from '@funnel/contracts';
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

  describe('attribution model', () => {
    const createdV2 = createEnvelope({
      type: CampaignCreatedV2.type,
      version: CampaignCreatedV2.version,
      handle: 'acme',
      aggregateId: 'spring-launch',
      aggregateVersion: 1,
      occurredAt: new Date('2026-02-25T10:00:00.000Z'),
      payload: { ...created.payload, attributionModel: 'FIRST_CLICK' } satisfies CampaignCreatedV2,
    });
    const update = (version: 2 | 3, payload: object, aggregateVersion = 2) =>
      createEnvelope({ type: CampaignUpdatedV2.type, version, handle: 'acme', aggregateId: 'spring-launch', aggregateVersion, payload: { campaignId: 'spring-launch', ...payload } });

    it('reads campaign.created v1 as LAST_CLICK, and the snapshot says so', () => {
      const state = foldCampaign([created]);
      expect(state?.attributionModel).toBe('LAST_CLICK');
      expect(toCampaignSnapshot(state!)).toMatchObject({ attributionModel: 'LAST_CLICK' });
    });

    it('reads campaign.created v2 with its model, and it survives v1 and v2 updates', () => {
      expect(foldCampaign([createdV2])?.attributionModel).toBe('FIRST_CLICK');
      const state = foldCampaign([createdV2, updated, update(2, { description: 'Launch' }, 3)]);
      expect(state).toMatchObject({ attributionModel: 'FIRST_CLICK', status: 'ACTIVE', description: 'Launch', version: 3 });
      expect(toCampaignSnapshot(state!)).toMatchObject({ schema: 'campaign-snapshot.v1', attributionModel: 'FIRST_CLICK', version: 3 });
    });

    it('changes the model only through campaign.updated v3; older versions never carry it', () => {
      expect(foldCampaign([created, update(3, { attributionModel: 'FIRST_CLICK' } satisfies Partial<CampaignUpdatedV3>)])).toMatchObject({
        attributionModel: 'FIRST_CLICK',
        version: 2,
      });
      expect(foldCampaign([createdV2, update(3, { attributionModel: 'LAST_CLICK', name: 'x' })])).toMatchObject({ attributionModel: 'LAST_CLICK', name: 'x' });
      // A v2 update is read by the v2 contract: a stray attributionModel in it is not applied.
      expect(foldCampaign([created, update(2, { name: 'y', attributionModel: 'FIRST_CLICK' })])).toMatchObject({ attributionModel: 'LAST_CLICK', name: 'y' });
    });

    it('refuses a campaign.created v2 without a known model, and unknown update versions', () => {
      const { attributionModel: _omitted, ...withoutModel } = createdV2.payload;
      expect(() => applyCampaignEvent(null, { ...createdV2, payload: withoutModel })).toThrow(/attributionModel/);
      expect(() => applyCampaignEvent(null, { ...createdV2, payload: { ...createdV2.payload, attributionModel: 'LINEAR' } })).toThrow(/attributionModel/);
      expect(() => applyCampaignEvent(foldCampaign([created]), { ...update(3, {}), version: 4 })).toThrow(/cannot apply campaign.updated v4/);
    });
  });
});
