import {
  CAMPAIGN_ID_PATTERN,
  CampaignSnapshotV1,
  DEVICE_CLASSES,
  HANDLE_PATTERN,
  LinkSnapshotV1,
  RuleSnapshotV1,
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

/** Rule ids are opaque to the edge but end up in keys and logs: keep them short and printable. */
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const MAX_CONDITION_VALUES = 1000;

function parseList(when: Json, name: string, valid: (v: string) => boolean): string[] | undefined | string {
  const list = when[name];
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list) || list.length > MAX_CONDITION_VALUES) return `when.${name} is not a list of at most ${MAX_CONDITION_VALUES} values`;
  for (const v of list) if (typeof v !== 'string' || !valid(v)) return `when.${name} holds an invalid value ${JSON.stringify(v)}`;
  return list as string[];
}

const isDevice = (v: string) => (DEVICE_CLASSES as readonly string[]).includes(v);
const isShortString = (v: string) => v.length > 0 && v.length <= 256;

/**
 * Validates a rule-snapshots value. A rule that fails validation is skipped as a whole: serving
 * half a rule could send visitors somewhere no one chose.
 */
export function parseRuleSnapshot(key: string, raw: Buffer | string): Parsed<RuleSnapshotV1> {
  const json = parseObject(raw);
  if (typeof json === 'string') return fail(json);
  if (json.schema !== 'rule-snapshot.v1') return fail(`unexpected schema ${JSON.stringify(json.schema)}`);
  if (!matches(json.handle, HANDLE_PATTERN)) return fail('handle is missing or malformed');
  if (!matches(json.ruleId, RULE_ID)) return fail('ruleId is missing or malformed');
  if (snapshotKey(json.handle, json.ruleId) !== key) return fail(`key ${key} does not match ${json.handle}/${json.ruleId}`);
  if (typeof json.enabled !== 'boolean') return fail('enabled is not a boolean');
  if (typeof json.priority !== 'number' || !Number.isSafeInteger(json.priority)) return fail('priority is not an integer');
  if (typeof json.when !== 'object' || json.when === null || Array.isArray(json.when)) return fail('when is missing');
  const when = json.when as Json;
  const campaignIn = parseList(when, 'campaignIn', (v) => CAMPAIGN_ID_PATTERN.test(v));
  const deviceIn = parseList(when, 'deviceIn', isDevice);
  const countryIn = parseList(when, 'countryIn', (v) => /^[A-Za-z]{2}$/.test(v));
  const sourceIn = parseList(when, 'sourceIn', isShortString);
  for (const parsed of [campaignIn, deviceIn, countryIn, sourceIn]) if (typeof parsed === 'string') return fail(parsed);
  const variant = json.variant;
  if (typeof variant !== 'object' || variant === null) return fail('variant is missing');
  const { id, destinationUrl } = variant as Json;
  if (typeof id !== 'string' || !isShortString(id)) return fail('variant.id is missing or longer than 256 characters');
  if (!isHttpUrl(destinationUrl)) return fail('variant.destinationUrl is not an absolute http(s) URL');
  if (!isVersion(json.version)) return fail('version is not a non-negative integer');
  const conditions: RuleSnapshotV1['when'] = {};
  if (campaignIn) conditions.campaignIn = campaignIn as string[];
  if (deviceIn) conditions.deviceIn = deviceIn as RuleSnapshotV1['when']['deviceIn'];
  if (countryIn) conditions.countryIn = countryIn as string[];
  if (sourceIn) conditions.sourceIn = sourceIn as string[];
  return {
    ok: true,
    value: {
      schema: 'rule-snapshot.v1',
      handle: json.handle,
      ruleId: json.ruleId,
      enabled: json.enabled,
      priority: json.priority,
      when: conditions,
      variant: { id, destinationUrl },
      version: json.version,
      updatedAt: typeof json.updatedAt === 'string' ? json.updatedAt : '',
    },
  };
}
