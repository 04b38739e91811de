import 'reflect-metadata';
import { EVENT_MAP, eventClassOf, EventPayload, latestVersion } from './event-map';

describe('EVENT_MAP', () => {
  it('files every payload class under its own type name and version', () => {
    for (const [type, versions] of Object.entries(EVENT_MAP)) {
      for (const [version, cls] of Object.entries(versions)) expect([cls.type, cls.version]).toEqual([type, Number(version)]);
    }
  });

  it('finds a class by type and version, and the latest version', () => {
    expect(eventClassOf('campaign.updated', 3)?.name).toBe('CampaignUpdatedV3');
    expect(eventClassOf('campaign.updated', 9)).toBeUndefined();
    expect(latestVersion('campaign.created')).toBe(2);
    const payload: EventPayload<'campaign.activated', 1> = { campaignId: 'spring-launch', previousStatus: 'DRAFT' };
    expect(payload.previousStatus).toBe('DRAFT');
  });
});
