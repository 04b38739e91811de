/**
 * Shared checks of the compacted snapshot topics' values (link, campaign and rule snapshots). The
 * parsers are hand-written rather than class-validator: the redirect edge re-reads every snapshot
 * when its link table catches up, and these checks cost a few microseconds a record.
 */
import { HANDLE_PATTERN } from './handle';
import { snapshotKey } from './topics';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export type Json = Record<string, unknown>;

export const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

export function parseObject(raw: Buffer | string): Json | string {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Json) : 'not a JSON object';
}

export const isVersion = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
export const matches = (v: unknown, pattern: RegExp): v is string => typeof v === 'string' && pattern.test(v);

/** No whitespace or control characters: the URL goes into a Location header verbatim. */
const URL_CHARS = /^[^\s\x00-\x1f\x7f]+$/;

export function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > 2048 || !URL_CHARS.test(v)) return false;
  try {
    const { protocol } = new URL(v);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}


/**
 * What every snapshot value must be: a JSON object of the expected schema whose handle and id
 * (`slug`, `campaignId`, `ruleId`) are well formed and name the record's key, so one tenant's
 * record can never land under another's key. The object, or why it is refused.
 */
export function snapshotObject(raw: Buffer | string, key: string, schema: string, idField: string, idPattern: RegExp): Json | string {
  const json = parseObject(raw);
  if (typeof json === 'string') return json;
  if (json.schema !== schema) return `unexpected schema ${JSON.stringify(json.schema)}`;
  if (!matches(json.handle, HANDLE_PATTERN)) return 'handle is missing or malformed';
  const id = json[idField];
  if (!matches(id, idPattern)) return `${idField} is missing or malformed`;
  if (snapshotKey(json.handle, id) !== key) return `key ${key} does not match ${json.handle}/${id}`;
  return json;
}
