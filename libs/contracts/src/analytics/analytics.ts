import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CAMPAIGN_ID_PATTERN } from '../campaigns/campaign';
import type { FieldError } from '../kernel/field-error';

/**
 * GET /v2/handles/{handle}/analytics (docs/analytics.md). One view per request:
 * - `funnel=true[&campaignId]`: the campaign funnel of seed 000;
 * - `groupBy=segment|botReason&campaignId`: a campaign's clicks per segment or bot clicks per reason;
 * - `granularity=hour|day|month[&timeZone][&from][&to][&campaignId]`: a time series.
 */
export const ANALYTICS_GROUP_BY = ['segment', 'botReason'] as const;
export type AnalyticsGroupBy = (typeof ANALYTICS_GROUP_BY)[number];
export const ANALYTICS_GRANULARITIES = ['hour', 'day', 'month'] as const;
export type AnalyticsGranularity = (typeof ANALYTICS_GRANULARITIES)[number];

/** Breakdowns answer the top N values per dimension plus one `other` row (docs/analytics.md). */
export const DEFAULT_BREAKDOWN_LIMIT = 20;
export const MAX_BREAKDOWN_LIMIT = 100;

export class AnalyticsQuery {
  @IsOptional() @IsIn(['true']) funnel?: 'true';
  @IsOptional() @IsIn(ANALYTICS_GROUP_BY) groupBy?: AnalyticsGroupBy;
  @IsOptional() @IsIn(ANALYTICS_GRANULARITIES) granularity?: AnalyticsGranularity;
  @IsOptional() @IsString() @MaxLength(64) timeZone?: string;
  @IsOptional() @IsString() @MaxLength(40) from?: string;
  @IsOptional() @IsString() @MaxLength(40) to?: string;
  @IsOptional() @IsString() @Matches(CAMPAIGN_ID_PATTERN) campaignId?: string;
  /** Funnel only: values per breakdown dimension before the `other` row (1-100, default 20). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_BREAKDOWN_LIMIT) breakdownLimit?: number;
}

/** Longest range per granularity, in days (at most 744 hourly, 731 daily, 120 monthly buckets). */
export const MAX_RANGE_DAYS: Record<AnalyticsGranularity, number> = { hour: 31, day: 731, month: 3660 };
/** Range when `from` is absent: the last day of hours, 30 days, 12 months (366 days). */
export const DEFAULT_RANGE_DAYS: Record<AnalyticsGranularity, number> = { hour: 1, day: 30, month: 366 };

const DAY_MS = 86_400_000;
/** DateTime's range in ClickHouse (UInt32 seconds). */
const MAX_TIME_MS = 4294967295 * 1000;

export type AnalyticsView =
  | { view: 'funnel'; campaignId?: string; breakdownLimit?: number }
  | { view: 'groupBy'; groupBy: AnalyticsGroupBy; campaignId: string }
  | { view: 'series'; granularity: AnalyticsGranularity; timeZone: string; from: Date; to: Date; campaignId?: string };

/** Formats by canonical zone name only, so the cache is bounded by the zone database whatever callers spell. */
const formats = new Map<string, Intl.DateTimeFormat>();

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * The canonical IANA name of a zone Intl knows (`Europe/berlin` → `Europe/Berlin`, `utc` → `UTC`,
 * `US/Pacific` → `America/Los_Angeles`), or null for an unknown name or an offset such as `+02:00`.
 * Names are canonicalised before any cache or ClickHouse sees them: ClickHouse is case-sensitive.
 */
export function canonicalTimeZone(timeZone: string): string | null {
  if (!ZONE_NAME.test(timeZone)) return null;
  if (formats.has(timeZone)) return timeZone;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  } catch {
    return null;
  }
  const canonical = format.resolvedOptions().timeZone;
  if (!formats.has(canonical)) formats.set(canonical, format);
  return canonical;
}

/** The zone's UTC offset at `ms`, in minutes (east positive), from Intl; null for an unknown zone. */
export function zoneOffsetMinutes(timeZone: string, ms: number): number | null {
  const canonical = canonicalTimeZone(timeZone);
  const format = canonical === null ? undefined : formats.get(canonical);
  if (!format) return null;
  const parts = format.formatToParts(new Date(ms));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  if (name === 'GMT') return 0;
  const match = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name);
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3]) + Number(match[4] ?? 0) / 60;
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * The zone name to answer with: ICU's spelling when the caller's differs from it only in letter
 * case (`Europe/berlin` → `Europe/Berlin`), else the caller's own alias (`Asia/Kolkata`, which ICU
 * calls `Asia/Calcutta`); null for an unknown zone. Caches and ClickHouse get canonicalTimeZone.
 */
export function displayTimeZone(timeZone: string): string | null {
  const canonical = canonicalTimeZone(timeZone);
  if (canonical === null) return null;
  return canonical.toLowerCase() === timeZone.toLowerCase() ? canonical : timeZone;
}

/** An IANA zone name Intl knows, in any letter case (`UTC`, `Europe/Paris`); offsets such as `+02:00` are not zones. */
export function isTimeZone(timeZone: string): boolean {
  return canonicalTimeZone(timeZone) !== null;
}

/**
 * True when the zone's offset is a whole number of hours all through [fromMs, toMs) (sampled
 * daily, the ends included): then every UTC hour lies inside one local day and month, and the
 * hourly rollups can be rolled up exactly.
 */
export function hasWholeHourOffsets(zoneName: string, fromMs: number, toMs: number): boolean {
  const timeZone = canonicalTimeZone(zoneName);
  if (timeZone === null) return false;
  for (let t = fromMs; ; t = Math.min(t + DAY_MS, toMs)) {
    const offset = zoneOffsetMinutes(timeZone, t);
    if (offset === null || offset % 60 !== 0) return false;
    if (t >= toMs) return true;
  }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/;

function validCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * `YYYY-MM-DD` (midnight in `timeZone`) or an ISO 8601 date-time with `Z` or an offset; null for
 * anything else (including impossible dates such as 2026-02-30).
 */
export function parseAnalyticsDate(text: string, timeZone: string): Date | null {
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    if (!validCalendarDate(y, m, d)) return null;
    const wall = Date.UTC(y, m - 1, d);
    // The instant whose wall clock in the zone reads midnight (re-checked once across a DST change).
    const first = zoneOffsetMinutes(timeZone, wall);
    if (first === null) return null;
    let ms = wall - first * 60_000;
    const second = zoneOffsetMinutes(timeZone, ms);
    if (second !== null && second !== first) ms = wall - second * 60_000;
    return new Date(ms);
  }
  const full = DATE_TIME.exec(text);
  if (!full) return null;
  const [y, m, d, hh, mm, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(full[i] ?? 0));
  if (!validCalendarDate(y, m, d) || hh > 23 || mm > 59 || ss > 59) return null;
  if (full[8] !== 'Z' && (Number(full[8].slice(1, 3)) > 23 || Number(full[8].slice(4, 6)) > 59)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

const field = (name: string, code: string, message: string): FieldError => ({ field: name, code, message });

/**
 * Which view a validated AnalyticsQuery asks for, or the fields that make it invalid (400).
 * Run by the gateway (which then sends explicit `from`/`to`) and again by the projector.
 */
export function resolveAnalyticsQuery(query: AnalyticsQuery, now: Date = new Date()): { ok: true; value: AnalyticsView } | { ok: false; fields: FieldError[] } {
  const chosen = [query.funnel !== undefined && 'funnel', query.groupBy !== undefined && 'groupBy', query.granularity !== undefined && 'granularity'].filter(
    (x): x is string => typeof x === 'string',
  );
  if (chosen.length !== 1) {
    const message = 'exactly one of funnel=true, groupBy or granularity is required';
    return { ok: false, fields: chosen.length === 0 ? [field('funnel', 'required', message)] : chosen.map((name) => field(name, 'conflicting_view', message)) };
  }
  if (query.granularity === undefined) {
    const stray = (['timeZone', 'from', 'to'] as const).filter((name) => query[name] !== undefined);
    if (stray.length > 0) return { ok: false, fields: stray.map((name) => field(name, 'unexpected', `${name} applies to time series (granularity) only`)) };
  }
  if (query.funnel === undefined && query.breakdownLimit !== undefined) {
    return { ok: false, fields: [field('breakdownLimit', 'unexpected', 'breakdownLimit applies to the funnel (funnel=true) only')] };
  }
  if (query.funnel !== undefined) {
    return {
      ok: true,
      value: {
        view: 'funnel',
        ...(query.campaignId !== undefined ? { campaignId: query.campaignId } : {}),
        ...(query.breakdownLimit !== undefined ? { breakdownLimit: query.breakdownLimit } : {}),
      },
    };
  }
  if (query.groupBy !== undefined) {
    if (query.campaignId === undefined) return { ok: false, fields: [field('campaignId', 'required', `campaignId is required with groupBy`)] };
    return { ok: true, value: { view: 'groupBy', groupBy: query.groupBy, campaignId: query.campaignId } };
  }

  const granularity = query.granularity as AnalyticsGranularity;
  const timeZone = displayTimeZone(query.timeZone ?? 'UTC');
  if (timeZone === null) return { ok: false, fields: [field('timeZone', 'invalid_time_zone', 'timeZone must be an IANA time zone such as Europe/Paris')] };
  const fields: FieldError[] = [];
  const dateOf = (name: 'from' | 'to'): Date | null | undefined => {
    const text = query[name];
    if (text === undefined) return undefined;
    const date = parseAnalyticsDate(text, timeZone);
    if (date === null || date.getTime() < 0 || date.getTime() > MAX_TIME_MS) {
      fields.push(field(name, 'invalid_date', `${name} must be YYYY-MM-DD or an ISO 8601 date-time with Z or an offset, between 1970 and 2105`));
    }
    return date;
  };
  const fromGiven = dateOf('from');
  const toGiven = dateOf('to');
  if (fields.length > 0) return { ok: false, fields };
  const to = toGiven ?? now;
  const from = fromGiven ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS[granularity] * DAY_MS);
  if (from.getTime() >= to.getTime()) return { ok: false, fields: [field('to', 'invalid_range', 'to must be after from')] };
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS[granularity] * DAY_MS) {
    return { ok: false, fields: [field('from', 'range_too_large', `a ${granularity} series spans at most ${MAX_RANGE_DAYS[granularity]} days`)] };
  }
  return { ok: true, value: { view: 'series', granularity, timeZone, from, to, ...(query.campaignId !== undefined ? { campaignId: query.campaignId } : {}) } };
}

// ---- reply payloads ----

/** Clicks, conversions and revenue of one segment (docs/analytics.md: segment = personalization variant, "default" without one). */
export interface SegmentView {
  segment: string;
  clicks: number;
  botClicks: number;
  qualifiedClicks: number;
  conversions: number;
  revenue: number;
  /** conversions / qualifiedClicks, 0 without qualified clicks (may exceed 1). */
  conversionRate: number;
  confidence: number;
}

export interface SegmentResult {
  campaignId: string;
  groupBy: 'segment';
  segments: SegmentView[];
}

export interface BotReasonResult {
  campaignId: string;
  groupBy: 'botReason';
  botClicks: number;
  botReasons: Array<{ reason: string; count: number }>;
}

export interface SeriesPoint {
  /** Start of the bucket (hour, local day or local month), ISO 8601 UTC. */
  start: string;
  clicks: number;
  botClicks: number;
  qualifiedClicks: number;
  conversions: number;
  revenue: number;
}

export interface SeriesResult {
  campaignId: string | null;
  granularity: AnalyticsGranularity;
  timeZone: string;
  from: string;
  to: string;
  /** Buckets with any click or conversion, oldest first (empty buckets are left out). */
  series: SeriesPoint[];
  summary: Omit<SeriesPoint, 'start'> & { conversionRate: number; confidence: number; lastSeenAt: string | null };
}

export type AnalyticsResult = SegmentResult | BotReasonResult | SeriesResult;
