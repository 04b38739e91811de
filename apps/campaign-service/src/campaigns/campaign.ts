import {
  CAMPAIGN_STATUSES,
  CampaignCreatedV1,
  CampaignSnapshotV1,
  CampaignStatus,
  CampaignUpdatedV1,
  CampaignView,
  Envelope,
  GOAL_TYPES,
  GoalType,
} from '@funnel/contracts';

export const CAMPAIGN_AGGREGATE = 'campaign';

/** The campaign aggregate's state: what its events add up to. */
export interface CampaignState {
  handle: string;
  campaignId: string;
  name: string | null;
  goalType: GoalType;
  status: CampaignStatus;
  trackingPreset: string;
  eventType: string;
  primarySlug: string | null;
  cookieDurationDays: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function isGoalType(value: string): value is GoalType {
  return (GOAL_TYPES as readonly string[]).includes(value);
}

export function isCampaignStatus(value: string): value is CampaignStatus {
  return (CAMPAIGN_STATUSES as readonly string[]).includes(value);
}

/** Applies one stored event; unknown types are an error, not a silent skip, so a fold never lies. */
export function applyCampaignEvent(state: CampaignState | null, event: Envelope<object>): CampaignState {
  const at = new Date(event.occurredAt);
  if (event.type === CampaignCreatedV1.type && event.version === CampaignCreatedV1.version) {
    const p = event.payload as CampaignCreatedV1;
    return {
      handle: event.handle,
      campaignId: p.campaignId,
      name: p.name ?? null,
      goalType: p.goalType,
      status: p.status,
      trackingPreset: p.trackingPreset,
      eventType: p.eventType,
      primarySlug: p.primarySlug ?? null,
      cookieDurationDays: p.cookieDurationDays,
      version: event.aggregateVersion,
      createdAt: at,
      updatedAt: at,
    };
  }
  if (state && event.type === CampaignUpdatedV1.type && event.version === CampaignUpdatedV1.version) {
    const p = event.payload as CampaignUpdatedV1;
    const changed = Object.fromEntries(Object.entries(p).filter(([k, v]) => k !== 'campaignId' && v !== undefined));
    return { ...state, ...changed, version: event.aggregateVersion, updatedAt: at };
  }
  throw new Error(`cannot apply ${event.type} v${event.version} to campaign ${event.aggregateId} at version ${state?.version ?? 0}`);
}

export function foldCampaign(events: Array<Envelope<object>>): CampaignState | null {
  return events.reduce<CampaignState | null>((state, e) => applyCampaignEvent(state, e), null);
}

export function toCampaignView(s: CampaignState): CampaignView {
  return {
    campaignId: s.campaignId,
    handle: s.handle,
    name: s.name,
    goalType: s.goalType,
    status: s.status,
    trackingPreset: s.trackingPreset,
    eventType: s.eventType,
    primarySlug: s.primarySlug,
    cookieDurationDays: s.cookieDurationDays,
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toCampaignSnapshot(s: CampaignState): CampaignSnapshotV1 {
  return {
    schema: 'campaign-snapshot.v1',
    handle: s.handle,
    campaignId: s.campaignId,
    status: s.status,
    goalType: s.goalType,
    eventType: s.eventType,
    primarySlug: s.primarySlug,
    cookieDurationDays: s.cookieDurationDays,
    version: s.version,
    updatedAt: s.updatedAt.toISOString(),
  };
}
