import {
  CAMPAIGN_ID_PATTERN,
  CampaignSnapshotV1,
  HANDLE_PATTERN,
  LinkSnapshotV1,
  SLUG_PATTERN,
  snapshotKey,
  TRACKING_MODES,
} from '@funnel/contracts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

type Json = Record<string, unknown>;

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

function parseObject(raw: Buffer | string): Json | string {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Json) : 'not a JSON object';
}

const isVersion = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const matches = (v: unknown, pattern: RegExp): v is string => typeof v === 'string' && pattern.test(v);

/** No whitespace or control characters: the URL goes into a Location header verbatim. */
const URL_CHARS = /^[^\s\x00-\x1f\x7f]+$/;

function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > 2048 || !URL_CHARS.test(v)) return false;
  try {
    const { protocol } = new URL(v);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Validates a link-snapshots value. Only the fields the edge serves are checked strictly;
 * the key must name the same handle/slug as the value, so one tenant's record can never
 * land under another's key.
 */
export function parseLinkSnapshot(key: string, raw: Buffer | string): Parsed<LinkSnapshotV1> {
  const json = parseObject(raw);
  if (typeof json === 'string') return fail(json);
  if (json.schema !== 'link-snapshot.v1') return fail(`unexpected schema ${JSON.stringify(json.schema)}`);
  if (!matches(json.handle, HANDLE_PATTERN)) return fail('handle is missing or malformed');
  if (!matches(json.slug, SLUG_PATTERN)) return fail('slug is missing or malformed');
  if (snapshotKey(json.handle, json.slug) !== key) return fail(`key ${key} does not match ${json.handle}/${json.slug}`);
  if (!isHttpUrl(json.destinationUrl)) return fail('destinationUrl is not an absolute http(s) URL');
  if (json.campaignId !== null && !matches(json.campaignId, CAMPAIGN_ID_PATTERN)) return fail('campaignId is malformed');
  const policy = json.trackingPolicy;
  if (typeof policy !== 'object' || policy === null) return fail('trackingPolicy is missing');
  const { mode, appendContextParam } = policy as Json;
  if (!TRACKING_MODES.includes(mode as (typeof TRACKING_MODES)[number])) return fail('trackingPolicy.mode is unknown');
  if (typeof appendContextParam !== 'boolean') return fail('trackingPolicy.appendContextParam is not a boolean');
  if (!isVersion(json.version)) return fail('version is not a non-negative integer');
  return {
    ok: true,
    value: {
      schema: 'link-snapshot.v1',
      handle: json.handle,
      slug: json.slug,
      destinationUrl: json.destinationUrl,
      campaignId: json.campaignId,
      trackingPolicy: { mode: mode as (typeof TRACKING_MODES)[number], appendContextParam },
      version: json.version,
      updatedAt: typeof json.updatedAt === 'string' ? json.updatedAt : '',
    },
  };
}

/**
 * Validates a campaign-snapshots value. The status is any non-empty string: a status this
 * edge does not know is simply "not ACTIVE" (nothing recorded), whereas rejecting it would
 * leave the previous, possibly ACTIVE, state in force.
 */
export function parseCampaignSnapshot(key: string, raw: Buffer | string): Parsed<CampaignSnapshotV1> {
  const json = parseObject(raw);
  if (typeof json === 'string') return fail(json);
  if (json.schema !== 'campaign-snapshot.v1') return fail(`unexpected schema ${JSON.stringify(json.schema)}`);
  if (!matches(json.handle, HANDLE_PATTERN)) return fail('handle is missing or malformed');
  if (!matches(json.campaignId, CAMPAIGN_ID_PATTERN)) return fail('campaignId is missing or malformed');
  if (snapshotKey(json.handle, json.campaignId) !== key) return fail(`key ${key} does not match ${json.handle}/${json.campaignId}`);
  if (typeof json.status !== 'string' || json.status === '') return fail('status is missing');
  if (!isVersion(json.version)) return fail('version is not a non-negative integer');
  // Fields the edge does not use are passed through as found rather than validated.
  return { ok: true, value: { ...(json as unknown as CampaignSnapshotV1), status: json.status as CampaignSnapshotV1['status'] } };
}
