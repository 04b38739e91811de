import { Injectable } from '@nestjs/common';
import { CampaignStatus, Envelope, isAttributionModel, snapshotKey, TOPICS } from '@funnel/contracts';
import { ConcurrencyError } from '../platform/event-store/concurrency.error';
import { envelopeMessage, EventStore } from '../platform/event-store/event-store';
import { PrismaService } from '../platform/event-store/prisma.service';
import { Campaign as CampaignRow } from '../generated/prisma/client';
import { CAMPAIGN_AGGREGATE, CampaignState, foldCampaign, isCampaignStatus, isGoalType, toCampaignSnapshot } from './campaign';

/** Campaign persistence as the use cases see it (unit tests replace it with a fake). */
export abstract class CampaignRepository {
  abstract find(handle: string, campaignId: string): Promise<CampaignState | null>;
  /** Newest first (ties by campaignId); `status` narrows the list; `after` continues after that campaign. */
  abstract list(handle: string, options: CampaignListOptions): Promise<CampaignState[]>;
  /**
   * Appends `events` (which took the campaign to `state`) and stores `state`, atomically.
   * Throws ConcurrencyError when the campaign moved on since it was loaded (or already exists, for a create).
   */
  abstract save(state: CampaignState, events: Array<Envelope<object>>): Promise<void>;
}

export interface CampaignListOptions {
  status?: CampaignStatus;
  after?: { createdAt: Date; campaignId: string };
  limit: number;
}

function toState(row: CampaignRow): CampaignState {
  if (!isGoalType(row.goalType) || !isCampaignStatus(row.status) || !isAttributionModel(row.attributionModel)) {
    throw new Error(`campaign ${row.handle}/${row.campaignId} has an unknown goal type, status or attribution model`);
  }
  return {
    handle: row.handle,
    campaignId: row.campaignId,
    name: row.name,
    goalType: row.goalType,
    status: row.status,
    trackingPreset: row.trackingPreset,
    eventType: row.eventType,
    primarySlug: row.primarySlug,
    cookieDurationDays: row.cookieDurationDays,
    attributionModel: row.attributionModel,
    description: row.description,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toRow(s: CampaignState): CampaignRow {
  return { ...s };
}

@Injectable()
export class PrismaCampaignRepository extends CampaignRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventStore,
  ) {
    super();
  }

  async find(handle: string, campaignId: string): Promise<CampaignState | null> {
    const row = await this.prisma.campaign.findUnique({ where: { handle_campaignId: { handle, campaignId } } });
    return row ? toState(row) : null;
  }

  async list(handle: string, { status, after, limit }: CampaignListOptions): Promise<CampaignState[]> {
    const rows = await this.prisma.campaign.findMany({
      where: {
        handle,
        ...(status ? { status } : {}),
        ...(after
          ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, campaignId: { gt: after.campaignId } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { campaignId: 'asc' }],
      take: limit,
    });
    return rows.map(toState);
  }

  /** Rebuilds the campaign from its events alone (the read model is a cache of this). */
  async replay(handle: string, campaignId: string): Promise<CampaignState | null> {
    return foldCampaign(await this.events.history(CAMPAIGN_AGGREGATE, handle, campaignId));
  }

  async save(state: CampaignState, events: Array<Envelope<object>>): Promise<void> {
    const previousVersion = state.version - events.length;
    await this.events.commit({
      aggregateType: CAMPAIGN_AGGREGATE,
      events,
      project: async (tx) => {
        if (previousVersion === 0) {
          await tx.campaign.create({ data: toRow(state) });
          return;
        }
        const { count } = await tx.campaign.updateMany({
          where: { handle: state.handle, campaignId: state.campaignId, version: previousVersion },
          data: toRow(state),
        });
        if (count !== 1) throw new ConcurrencyError(CAMPAIGN_AGGREGATE, state.handle, state.campaignId);
      },
      outbox: [
        ...events.map(envelopeMessage),
        {
          topic: TOPICS.campaignSnapshots,
          key: snapshotKey(state.handle, state.campaignId),
          value: JSON.stringify(toCampaignSnapshot(state)),
          headers: { schema: 'campaign-snapshot.v1' },
        },
      ],
    });
  }
}
