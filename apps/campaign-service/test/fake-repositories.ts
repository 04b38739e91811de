import { Envelope } from '@funnel/contracts';
import { CampaignState } from '../src/campaigns/campaign';
import { CampaignListOptions, CampaignRepository } from '../src/campaigns/campaign.repository';
import { ConcurrencyError } from '../src/platform/event-store/concurrency.error';
import { LinkState } from '../src/links/link';
import { LinkRepository } from '../src/links/link.repository';

/** In-memory stand-ins with the real repositories' version check, for unit tests of use cases. */
export class FakeCampaignRepository extends CampaignRepository {
  readonly rows = new Map<string, CampaignState>();
  readonly appended: Array<Envelope<object>> = [];
  /** Runs inside save, before the version check: lets a test slip in a concurrent writer. */
  beforeSave?: () => void;

  async find(handle: string, campaignId: string): Promise<CampaignState | null> {
    return this.rows.get(`${handle}/${campaignId}`) ?? null;
  }

  async list(handle: string, { status, after, limit }: CampaignListOptions): Promise<CampaignState[]> {
    const key = (c: { createdAt: Date; campaignId: string }): string => `${String(9e15 - c.createdAt.getTime()).padStart(16, '0')}/${c.campaignId}`;
    return [...this.rows.values()]
      .filter((c) => c.handle === handle && (!status || c.status === status) && (!after || key(c) > key(after)))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1))
      .slice(0, limit);
  }

  async save(state: CampaignState, events: Array<Envelope<object>>): Promise<void> {
    this.beforeSave?.();
    const key = `${state.handle}/${state.campaignId}`;
    if ((this.rows.get(key)?.version ?? 0) !== state.version - events.length) throw new ConcurrencyError('campaign', state.handle, state.campaignId);
    this.rows.set(key, state);
    this.appended.push(...events);
  }

  add(state: CampaignState): void {
    this.rows.set(`${state.handle}/${state.campaignId}`, state);
  }
}

export class FakeLinkRepository extends LinkRepository {
  readonly rows = new Map<string, LinkState>();
  /** Keys `${handle}/${slug}` whose snapshot the relay has not published yet. */
  readonly unpublished = new Set<string>();

  async isPublished(handle: string, slug: string): Promise<boolean> {
    return !this.unpublished.has(`${handle}/${slug}`);
  }
  readonly appended: Array<Envelope<object>> = [];
  beforeSave?: () => void;

  async find(handle: string, slug: string): Promise<LinkState | null> {
    return this.rows.get(`${handle}/${slug}`) ?? null;
  }

  async list(handle: string, { campaignId, afterSlug, limit }: { campaignId?: string; afterSlug?: string; limit: number }): Promise<LinkState[]> {
    return [...this.rows.values()]
      .filter((l) => l.handle === handle && !l.deleted && (!campaignId || l.campaignId === campaignId) && (afterSlug === undefined || l.slug > afterSlug))
      .sort((a, b) => (a.slug < b.slug ? -1 : 1))
      .slice(0, limit);
  }

  async save(state: LinkState, events: Array<Envelope<object>>): Promise<void> {
    this.beforeSave?.();
    const key = `${state.handle}/${state.slug}`;
    if ((this.rows.get(key)?.version ?? 0) !== state.version - events.length) throw new ConcurrencyError('link', state.handle, state.slug);
    this.rows.set(key, state);
    this.appended.push(...events);
  }

  add(state: LinkState): void {
    this.rows.set(`${state.handle}/${state.slug}`, state);
  }
}

export function campaignState(overrides: Partial<CampaignState> = {}): CampaignState {
  const at = new Date('2026-02-25T12:00:00.000Z');
  return {
    handle: 'acme',
    campaignId: 'spring-launch',
    name: null,
    goalType: 'PRODUCT_SALE',
    status: 'ACTIVE',
    trackingPreset: 'ga4_purchase',
    eventType: 'purchase',
    primarySlug: 'spring-promo',
    cookieDurationDays: 30,
    attributionModel: 'LAST_CLICK',
    description: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function linkState(overrides: Partial<LinkState> = {}): LinkState {
  const at = new Date('2026-02-25T12:00:00.000Z');
  return {
    handle: 'acme',
    slug: 'spring-promo',
    destinationUrl: 'https://shop.example.com/spring',
    campaignId: 'spring-launch',
    trackingPolicy: { mode: 'DIRECT', appendContextParam: true },
    deleted: false,
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}
