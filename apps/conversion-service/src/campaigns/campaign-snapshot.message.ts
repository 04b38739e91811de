import { CampaignSnapshotV1, parseCampaignSnapshot } from '@funnel/contracts';

export type SnapshotMessage =
  | { kind: 'snapshot'; snapshot: CampaignSnapshotV1 }
  | { kind: 'tombstone'; handle: string; campaignId: string };

export type SnapshotParse = { ok: true; message: SnapshotMessage } | { ok: false; error: string };

/**
 * One record of the compacted topic: a tombstone (null value) names its campaign by key; a value
 * is parsed with the contracts' parseCampaignSnapshot, as every consumer does.
 */
export function parseSnapshotMessage(key: string | null, value: Buffer | null): SnapshotParse {
  if (value === null) {
    const slash = key ? key.indexOf('/') : -1;
    if (!key || slash <= 0 || slash === key.length - 1) return { ok: false, error: `tombstone with unusable key ${JSON.stringify(key)}` };
    return { ok: true, message: { kind: 'tombstone', handle: key.slice(0, slash), campaignId: key.slice(slash + 1) } };
  }
  if (key === null) return { ok: false, error: 'snapshot without a key' };
  const parsed = parseCampaignSnapshot(key, value);
  return parsed.ok ? { ok: true, message: { kind: 'snapshot', snapshot: parsed.value } } : parsed;
}
