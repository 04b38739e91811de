import { CAMPAIGN_ID_PATTERN } from '../campaigns/campaign';
import { DEVICE_CLASSES, DeviceClass } from '../clicks/click';
import { fail, isHttpUrl, isVersion, Json, Parsed, snapshotObject } from '../kernel/snapshot';


/**
 * Value of the compacted rule-snapshots topic (key `${handle}/${ruleId}`): a personalization rule
 * as the redirect edge evaluates it (seed 000). Absent condition lists match everything; device
 * classes are the lower-case DEVICE_CLASSES, countries ISO 3166-1 alpha-2 upper case, sources lower case.
 */
export class RuleSnapshotV1 {
  schema!: 'rule-snapshot.v1';
  handle!: string;
  ruleId!: string;
  enabled!: boolean;
  /** Higher first; ties broken by ruleId ascending. */
  priority!: number;
  when!: {
    campaignIn?: string[];
    deviceIn?: DeviceClass[];
    countryIn?: string[];
    sourceIn?: string[];
  };
  variant!: { id: string; destinationUrl: string };
  version!: number;
  updatedAt!: string;
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
  const json = snapshotObject(raw, key, 'rule-snapshot.v1', 'ruleId', RULE_ID);
  if (typeof json === 'string') return fail(json);
  if (typeof json.handle !== 'string' || typeof json.ruleId !== 'string') return fail('ruleId is missing');
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
