import { Injectable } from '@nestjs/common';
import { CampaignSnapshotV1, LinkSnapshotV1, RuleSnapshotV1, snapshotKey } from '@funnel/contracts';
import { RuleApplyResult, RuleBook } from '../personalization/rule-book';
import { toHeaderSafeUrl } from './header-safe-url';

/** A link as the hot path needs it: everything precomputed, nothing parsed per request. */
export interface LinkEntry {
  handle: string;
  slug: string;
  campaignId: string | null;
  appendContextParam: boolean;
  /** The destination as registered, in the ASCII form a Location header can carry. */
  location: string;
  version: number;
}

export interface CampaignEntry {
  status: string;
  version: number;
}

export interface ResolvedLink {
  link: LinkEntry;
  /** True only when the link's campaign is known and ACTIVE: the click is then recorded. */
  tracked: boolean;
}

export type ApplyResult = 'applied' | 'stale' | 'deleted' | 'absent';

/**
 * The in-memory state of every short link and campaign, rebuilt from the compacted snapshot
 * topics. A snapshot older than (or as old as) the one held is ignored, so a re-published
 * snapshot never rolls a link back. A tombstone removes the entry outright: it carries no
 * version, and a link deleted then recreated may start its versions again.
 */
@Injectable()
export class LinkTable {
  private readonly links = new Map<string, LinkEntry>();
  private readonly campaigns = new Map<string, CampaignEntry>();
  /** Personalization rules per handle (rule-snapshots topic). */
  readonly rules = new RuleBook();
  private caughtUp = false;

  /** True once the table holds everything the topics held when this process started. */
  get ready(): boolean {
    return this.caughtUp;
  }

  markReady(): void {
    this.caughtUp = true;
  }

  get linkCount(): number {
    return this.links.size;
  }

  get campaignCount(): number {
    return this.campaigns.size;
  }

  resolve(handle: string, slug: string): ResolvedLink | undefined {
    const link = this.links.get(`${handle}/${slug}`);
    if (!link) return undefined;
    const campaign = link.campaignId === null ? undefined : this.campaigns.get(`${handle}/${link.campaignId}`);
    return { link, tracked: campaign?.status === 'ACTIVE' };
  }

  putLink(snapshot: LinkSnapshotV1): ApplyResult {
    const key = snapshotKey(snapshot.handle, snapshot.slug);
    const held = this.links.get(key);
    if (held && held.version >= snapshot.version) return 'stale';
    this.links.set(key, {
      handle: snapshot.handle,
      slug: snapshot.slug,
      campaignId: snapshot.campaignId,
      appendContextParam: snapshot.trackingPolicy.appendContextParam,
      location: toHeaderSafeUrl(snapshot.destinationUrl),
      version: snapshot.version,
    });
    return 'applied';
  }

  deleteLink(key: string): ApplyResult {
    return this.links.delete(key) ? 'deleted' : 'absent';
  }

  putCampaign(snapshot: CampaignSnapshotV1): ApplyResult {
    const key = snapshotKey(snapshot.handle, snapshot.campaignId);
    const held = this.campaigns.get(key);
    if (held && held.version >= snapshot.version) return 'stale';
    this.campaigns.set(key, { status: snapshot.status, version: snapshot.version });
    return 'applied';
  }

  deleteCampaign(key: string): ApplyResult {
    return this.campaigns.delete(key) ? 'deleted' : 'absent';
  }

  putRule(snapshot: RuleSnapshotV1): RuleApplyResult {
    return this.rules.put(snapshotKey(snapshot.handle, snapshot.ruleId), snapshot);
  }

  deleteRule(key: string): RuleApplyResult {
    return this.rules.delete(key);
  }
}

export { toHeaderSafeUrl } from './header-safe-url';
