import { CampaignStatus, GoalType } from './campaign';

/** Value of the compacted campaign-snapshots topic (key `${handle}/${campaignId}`). */
export interface CampaignSnapshotV1 {
  schema: 'campaign-snapshot.v1';
  handle: string;
  campaignId: string;
  status: CampaignStatus;
  goalType: GoalType;
  eventType: string;
  primarySlug: string | null;
  cookieDurationDays: number;
  /** Optional (added later, backward compatible): absent means LAST_CLICK. */
  attributionModel?: 'LAST_CLICK' | 'FIRST_CLICK';
  version: number;
  updatedAt: string;
}
