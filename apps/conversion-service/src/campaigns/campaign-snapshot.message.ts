import { plainToInstance } from 'class-transformer';
import { Equals, IsDateString, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';
import { CAMPAIGN_STATUSES, CampaignSnapshotV1, CampaignStatus, describeValidationErrors, snapshotKey } from '@funnel/contracts';

/** Validator for the CampaignSnapshotV1 values (contracts declares the shape as an interface). */
class CampaignSnapshotShape implements Pick<CampaignSnapshotV1, 'schema' | 'handle' | 'campaignId' | 'status' | 'eventType' | 'cookieDurationDays' | 'attributionModel' | 'version' | 'updatedAt'> {
  @Equals('campaign-snapshot.v1') schema!: 'campaign-snapshot.v1';
  @IsString() @IsNotEmpty() handle!: string;
  @IsString() @IsNotEmpty() campaignId!: string;
  @IsIn(CAMPAIGN_STATUSES) status!: CampaignStatus;
  @IsString() @IsNotEmpty() eventType!: string;
  @IsInt() @Min(0) @Max(365) cookieDurationDays!: number;
  /** Optional in v1 (absent = LAST_CLICK), so older snapshots stay valid. */
  @IsOptional() @IsIn(['LAST_CLICK', 'FIRST_CLICK']) attributionModel?: 'LAST_CLICK' | 'FIRST_CLICK';
  @IsInt() @Min(0) version!: number;
  @IsDateString() updatedAt!: string;
}

export type SnapshotMessage =
  | { kind: 'snapshot'; snapshot: CampaignSnapshotShape }
  | { kind: 'tombstone'; handle: string; campaignId: string };

export type SnapshotParse = { ok: true; message: SnapshotMessage } | { ok: false; error: string };

/** Parses one record of the compacted topic; the key must name the same campaign as the value. */
export function parseCampaignSnapshot(key: string | null, value: Buffer | null): SnapshotParse {
  if (value === null) {
    const slash = key ? key.indexOf('/') : -1;
    if (!key || slash <= 0 || slash === key.length - 1) return { ok: false, error: `tombstone with unusable key ${JSON.stringify(key)}` };
    return { ok: true, message: { kind: 'tombstone', handle: key.slice(0, slash), campaignId: key.slice(slash + 1) } };
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch (e) {
    return { ok: false, error: `invalid JSON: ${(e as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, error: 'snapshot must be a JSON object' };
  const snapshot = plainToInstance(CampaignSnapshotShape, json);
  const errors = validateSync(snapshot);
  if (errors.length) return { ok: false, error: describeValidationErrors(errors).join('; ') };
  if (key !== snapshotKey(snapshot.handle, snapshot.campaignId)) {
    return { ok: false, error: `key ${JSON.stringify(key)} does not match ${snapshotKey(snapshot.handle, snapshot.campaignId)}` };
  }
  return { ok: true, message: { kind: 'snapshot', snapshot } };
}
