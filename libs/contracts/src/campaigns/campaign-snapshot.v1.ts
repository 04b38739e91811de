import { fail, isVersion, Parsed, snapshotObject } from '../kernel/snapshot';
import { ATTRIBUTION_MODELS, CAMPAIGN_ID_PATTERN, CampaignStatus, GoalType } from './campaign';

/** Value of the compacted campaign-snapshots topic (key `${handle}/${campaignId}`). */
export class CampaignSnapshotV1 {
  schema!: 'campaign-snapshot.v1';
  handle!: string;
  campaignId!: string;
  status!: CampaignStatus;
  goalType!: GoalType;
  eventType!: string;
  primarySlug!: string | null;
  cookieDurationDays!: number;
  /** Optional (added later, backward compatible): absent means LAST_CLICK. */
  attributionModel?: 'LAST_CLICK' | 'FIRST_CLICK';
  version!: number;
  updatedAt!: string;
}

/**
 * Validates a campaign-snapshots value, for every consumer (the redirect edge and the
 * conversion-service). The status is any non-empty string: a status a reader does not know is
 * simply "not ACTIVE" (nothing recorded or counted), whereas rejecting it would leave the
 * previous, possibly ACTIVE, state in force.
 */
export function parseCampaignSnapshot(key: string, raw: Buffer | string): Parsed<CampaignSnapshotV1> {
  const json = snapshotObject(raw, key, 'campaign-snapshot.v1', 'campaignId', CAMPAIGN_ID_PATTERN);
  if (typeof json === 'string') return fail(json);
  if (typeof json.handle !== 'string' || typeof json.campaignId !== 'string') return fail('campaignId is missing');
  if (typeof json.status !== 'string' || json.status === '') return fail('status is missing');
  if (typeof json.eventType !== 'string' || json.eventType === '') return fail('eventType is missing');
  const days = json.cookieDurationDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 365) return fail('cookieDurationDays is not an integer from 0 to 365');
  if (json.attributionModel !== undefined && !(ATTRIBUTION_MODELS as readonly unknown[]).includes(json.attributionModel)) return fail('attributionModel is unknown');
  if (!isVersion(json.version)) return fail('version is not a non-negative integer');
  if (typeof json.updatedAt !== 'string' || !Number.isFinite(Date.parse(json.updatedAt))) return fail('updatedAt is not a date');
  // Fields no consumer uses (goalType, primarySlug) are passed through as found rather than validated.
  return { ok: true, value: { ...(json as unknown as CampaignSnapshotV1), status: json.status as CampaignSnapshotV1['status'] } };
}

