import { Inject, Injectable } from '@nestjs/common';
import { CampaignEnv } from '@funnel/config';
import { Envelope, snapshotKey, TOPICS, TRACKING_MODES, TrackingMode } from '@funnel/contracts';
import { ConcurrencyError } from '../platform/event-store/concurrency.error';
import { envelopeMessage, EventStore } from '../platform/event-store/event-store';
import { PrismaService } from '../platform/event-store/prisma.service';
import { claimHandleSlot } from '../platform/event-store/handle-limit';
import { CAMPAIGN_ENV } from '../platform/campaign.config';
import { Link as LinkRow } from '../generated/prisma/client';
import { foldLink, LINK_AGGREGATE, LinkState, toLinkSnapshot } from './link';

/** Link persistence as the use cases see it (unit tests replace it with a fake). */
export abstract class LinkRepository {
  /** Deleted links too (their version continues the stream); callers treat `deleted` as not found. */
  abstract find(handle: string, slug: string): Promise<LinkState | null>;
  /** Live links by slug ascending, optionally of one campaign, after `afterSlug`. */
  abstract list(handle: string, options: { campaignId?: string; afterSlug?: string; limit: number }): Promise<LinkState[]>;
  /** Appends `events` (which took the link to `state`) and stores `state`; ConcurrencyError if it moved on meanwhile. */
  /** True when every snapshot of the link has been relayed to the redirect edge's topic. */
  abstract isPublished(handle: string, slug: string): Promise<boolean>;
  abstract save(state: LinkState, events: Array<Envelope<object>>): Promise<void>;
}

function isTrackingMode(value: string): value is TrackingMode {
  return (TRACKING_MODES as readonly string[]).includes(value);
}

function toState(row: LinkRow): LinkState {
  if (!isTrackingMode(row.trackingMode)) throw new Error(`link ${row.handle}/${row.slug} has an unknown tracking mode`);
  return {
    handle: row.handle,
    slug: row.slug,
    destinationUrl: row.destinationUrl,
    campaignId: row.campaignId,
    trackingPolicy: { mode: row.trackingMode, appendContextParam: row.appendContextParam },
    deleted: row.deleted,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toRow(s: LinkState): LinkRow {
  return {
    handle: s.handle,
    slug: s.slug,
    destinationUrl: s.destinationUrl,
    campaignId: s.campaignId,
    trackingMode: s.trackingPolicy.mode,
    appendContextParam: s.trackingPolicy.appendContextParam,
    deleted: s.deleted,
    version: s.version,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

@Injectable()
export class PrismaLinkRepository extends LinkRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventStore,
    @Inject(CAMPAIGN_ENV) private readonly env: Pick<CampaignEnv, 'MAX_LINKS_PER_HANDLE'>,
  ) {
    super();
  }

  async find(handle: string, slug: string): Promise<LinkState | null> {
    const row = await this.prisma.link.findUnique({ where: { handle_slug: { handle, slug } } });
    return row ? toState(row) : null;
  }

  async list(handle: string, { campaignId, afterSlug, limit }: { campaignId?: string; afterSlug?: string; limit: number }): Promise<LinkState[]> {
    const rows = await this.prisma.link.findMany({
      where: { handle, deleted: false, ...(campaignId ? { campaignId } : {}), ...(afterSlug !== undefined ? { slug: { gt: afterSlug } } : {}) },
      orderBy: { slug: 'asc' },
      take: limit,
    });
    return rows.map(toState);
  }

  async isPublished(handle: string, slug: string): Promise<boolean> {
    const pending = await this.prisma.outbox.count({ where: { topic: TOPICS.linkSnapshots, key: snapshotKey(handle, slug), publishedAt: null } });
    return pending === 0;
  }

  /** Rebuilds the link from its events alone (the read model is a cache of this). */
  async replay(handle: string, slug: string): Promise<LinkState | null> {
    return foldLink(await this.events.history(LINK_AGGREGATE, handle, slug));
  }

  async save(state: LinkState, events: Array<Envelope<object>>): Promise<void> {
    const previousVersion = state.version - events.length;
    await this.events.commit({
      aggregateType: LINK_AGGREGATE,
      events,
      project: async (tx) => {
        if (!state.deleted) {
          const before = previousVersion === 0 ? null : await tx.link.findUnique({ where: { handle_slug: { handle: state.handle, slug: state.slug } }, select: { deleted: true } });
          if (!before || before.deleted) {
            await claimHandleSlot(tx, 'links', state.handle, this.env.MAX_LINKS_PER_HANDLE, () =>
              tx.link.count({ where: { handle: state.handle, deleted: false, slug: { not: state.slug } } }),
            );
          }
        }
        if (previousVersion === 0) {
          await tx.link.create({ data: toRow(state) });
          return;
        }
        const { count } = await tx.link.updateMany({
          where: { handle: state.handle, slug: state.slug, version: previousVersion },
          data: toRow(state),
        });
        if (count !== 1) throw new ConcurrencyError(LINK_AGGREGATE, state.handle, state.slug);
      },
      outbox: [
        ...events.map(envelopeMessage),
        // The compacted topic the redirect edge rebuilds its link table from; null value = deleted.
        {
          topic: TOPICS.linkSnapshots,
          key: snapshotKey(state.handle, state.slug),
          value: state.deleted ? null : JSON.stringify(toLinkSnapshot(state)),
          headers: { schema: 'link-snapshot.v1' },
        },
      ],
    });
  }
}
