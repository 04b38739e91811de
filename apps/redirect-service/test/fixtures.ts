import type { CampaignSnapshotV1, LinkSnapshotV1, RuleSnapshotV1 } from '@funnel/contracts';

/** Snapshot builders shared by the link-table and redirect specs. */
export function linkSnapshot(overrides: Partial<LinkSnapshotV1> = {}): LinkSnapshotV1 {
  return {
    schema: 'link-snapshot.v1',
    handle: 'acme',
    slug: 'spring',
    destinationUrl: 'https://shop.example.com/spring?ref=x#top',
    campaignId: 'spring-launch',
    trackingPolicy: { mode: 'DIRECT', appendContextParam: true },
    version: 1,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function campaignSnapshot(overrides: Partial<CampaignSnapshotV1> = {}): CampaignSnapshotV1 {
  return {
    schema: 'campaign-snapshot.v1',
    handle: 'acme',
    campaignId: 'spring-launch',
    status: 'ACTIVE',
    goalType: 'PRODUCT_SALE',
    eventType: 'purchase',
    primarySlug: 'spring',
    cookieDurationDays: 30,
    version: 1,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function ruleSnapshot(overrides: Partial<RuleSnapshotV1> = {}): RuleSnapshotV1 {
  return {
    schema: 'rule-snapshot.v1',
    handle: 'acme',
    ruleId: 'rule-1',
    enabled: true,
    priority: 1,
    when: {},
    variant: { id: 'v1', destinationUrl: 'https://variant.example.com/landing' },
    version: 1,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
