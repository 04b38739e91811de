import {
  AttributionModel,
  CampaignActivatedV1,
  CampaignCreatedV2,
  CampaignPausedV1,
  CampaignUpdatedV2,
  CampaignUpdatedV3,
  CAMPAIGN_STATUSES,
  CampaignCreatedV1,
  DEFAULT_ATTRIBUTION_MODEL,
  isAttributionModel,
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
  attributionModel: AttributionModel;
  description: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Seed 000 lifecycle: DRAFT → ACTIVE ⇄ PAUSED. */
export const TRANSITIONS: Record<'activate' | 'pause', { from: readonly CampaignStatus[]; to: CampaignStatus }> = {
  activate: { from: ['DRAFT', 'PAUSED'], to: 'ACTIVE' },
  pause: { from: ['ACTIVE'], to: 'PAUSED' },
};

export function isGoalType(value: string): value is GoalType {
  return (GOAL_TYPES as readonly string[]).includes(value);
}

export function isCampaignStatus(value: string): value is CampaignStatus {
  return (CAMPAIGN_STATUSES as readonly string[]).includes(value);
}

/** Applies one stored event; unknown types are an error, not a silent skip, so a fold never lies. */
export function applyCampaignEvent(state: CampaignState | null, event: Envelope<object>): CampaignState {
  const at = new Date(event.occurredAt);
  const isCreate =
    event.type === CampaignCreatedV1.type && (event.version === CampaignCreatedV1.version || event.version === CampaignCreatedV2.version);
  if (isCreate) {
    const p = event.payload as CampaignCreatedV1 & Partial<Pick<CampaignCreatedV2, 'attributionModel'>>;
    // v1 predates the choice: those campaigns were always attributed to the last click.
    const attributionModel = event.version === CampaignCreatedV1.version ? DEFAULT_ATTRIBUTION_MODEL : p.attributionModel;
    if (!isAttributionModel(attributionModel)) throw new Error(`campaign.created v2 ${event.eventId} has no valid attributionModel`);
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
      attributionModel,
      description: null,
      version: event.aggregateVersion,
      createdAt: at,
      updatedAt: at,
    };
  }
  const isUpdate =
    event.type === CampaignUpdatedV1.type &&
    (event.version === CampaignUpdatedV1.version || event.version === CampaignUpdatedV2.version || event.version === CampaignUpdatedV3.version);
  if (state && isUpdate) {
    // v1 ⊂ v2 ⊂ v3 field-wise (v1 also carried status), so the changed fields apply the same way.
    const p = event.payload as CampaignUpdatedV3 & Pick<CampaignUpdatedV1, 'status'>;
    const changed = Object.fromEntries(Object.entries(p).filter(([k, v]) => k !== 'campaignId' && v !== undefined));
    // Only v3 defines attributionModel: an older version never changes it.
    if (event.version !== CampaignUpdatedV3.version) delete changed.attributionModel;
    return { ...state, ...changed, version: event.aggregateVersion, updatedAt: at };
  }
  if (state && event.type === CampaignActivatedV1.type && event.version === CampaignActivatedV1.version) {
    return { ...state, status: 'ACTIVE', version: event.aggregateVersion, updatedAt: at };
  }
  if (state && event.type === CampaignPausedV1.type && event.version === CampaignPausedV1.version) {
    return { ...state, status: 'PAUSED', version: event.aggregateVersion, updatedAt: at };
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
    attributionModel: s.attributionModel,
    description: s.description,
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
    // Always present, LAST_CLICK included, so consumers never have to guess a default.
    attributionModel: s.attributionModel,
    version: s.version,
    updatedAt: s.updatedAt.toISOString(),
  };
}
