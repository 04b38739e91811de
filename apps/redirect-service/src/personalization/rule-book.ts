import type { DeviceClass, RuleSnapshotV1 } from '@funnel/contracts';
import { toHeaderSafeUrl } from '../link-table/header-safe-url';

/** What a rule's conditions are tested against: the click's context. */
export interface RuleInput {
  campaignId: string | null;
  device: DeviceClass;
  country: string;
  source: string;
}

/** A rule as the hot path needs it: conditions as sets (absent = matches everything), destination header-safe. */
export interface RuleEntry {
  ruleId: string;
  priority: number;
  enabled: boolean;
  campaignIn: ReadonlySet<string> | null;
  deviceIn: ReadonlySet<string> | null;
  countryIn: ReadonlySet<string> | null;
  sourceIn: ReadonlySet<string> | null;
  variantId: string;
  location: string;
  version: number;
}

export interface Variant {
  id: string;
  location: string;
}

export type RuleApplyResult = 'applied' | 'stale' | 'deleted' | 'absent';

const toSet = (values: readonly string[] | undefined): ReadonlySet<string> | null => (values === undefined ? null : new Set(values));

export function toRuleEntry(snapshot: RuleSnapshotV1): RuleEntry {
  const { when } = snapshot;
  return {
    ruleId: snapshot.ruleId,
    priority: snapshot.priority,
    enabled: snapshot.enabled,
    campaignIn: toSet(when.campaignIn),
    deviceIn: toSet(when.deviceIn),
    // Stored upper/lower case as the contract says; normalised again so a sloppy publisher still matches.
    countryIn: toSet(when.countryIn?.map((c) => c.toUpperCase())),
    sourceIn: toSet(when.sourceIn?.map((s) => s.toLowerCase())),
    variantId: snapshot.variant.id,
    location: toHeaderSafeUrl(snapshot.variant.destinationUrl),
    version: snapshot.version,
  };
}

/** Highest priority first; ties by ruleId ascending (plain code-unit order, locale independent). */
export function compareRules(a: RuleEntry, b: RuleEntry): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

/** Every present condition must hold. An empty list matches nothing (nothing is "in" it). */
export function ruleMatches(rule: RuleEntry, input: RuleInput): boolean {
  if (rule.campaignIn && (input.campaignId === null || !rule.campaignIn.has(input.campaignId))) return false;
  if (rule.deviceIn && !rule.deviceIn.has(input.device)) return false;
  if (rule.countryIn && !rule.countryIn.has(input.country)) return false;
  if (rule.sourceIn && !rule.sourceIn.has(input.source)) return false;
  return true;
}

/**
 * The personalization rules of every handle, rebuilt from the compacted rule-snapshots topic.
 * Each handle's enabled rules are kept in evaluation order, re-sorted only when a rule changes
 * (rare), so a click walks a ready list and stops at the first match.
 */
export class RuleBook {
  private readonly byHandle = new Map<string, Map<string, RuleEntry>>();
  private readonly ordered = new Map<string, RuleEntry[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** True when the handle has at least one enabled rule: only then is a click's context needed to pick a destination. */
  has(handle: string): boolean {
    return this.ordered.has(handle);
  }

  /** The first matching enabled rule's variant, or null: the link's own destination is used. */
  select(handle: string, input: RuleInput): Variant | null {
    const rules = this.ordered.get(handle);
    if (!rules) return null;
    for (const rule of rules) {
      if (ruleMatches(rule, input)) return { id: rule.variantId, location: rule.location };
    }
    return null;
  }

  put(key: string, snapshot: RuleSnapshotV1): RuleApplyResult {
    let rules = this.byHandle.get(snapshot.handle);
    const held = rules?.get(key);
    if (held && held.version >= snapshot.version) return 'stale';
    if (!rules) this.byHandle.set(snapshot.handle, (rules = new Map()));
    if (!held) this.count++;
    rules.set(key, toRuleEntry(snapshot));
    this.reindex(snapshot.handle, rules);
    return 'applied';
  }

  /** The key is `${handle}/${ruleId}` (a tombstone carries nothing else). */
  delete(key: string): RuleApplyResult {
    const handle = key.slice(0, key.indexOf('/'));
    const rules = this.byHandle.get(handle);
    if (!rules?.delete(key)) return 'absent';
    this.count--;
    if (rules.size === 0) this.byHandle.delete(handle);
    this.reindex(handle, rules);
    return 'deleted';
  }

  private reindex(handle: string, rules: Map<string, RuleEntry>): void {
    const enabled = [...rules.values()].filter((r) => r.enabled).sort(compareRules);
    if (enabled.length === 0) this.ordered.delete(handle);
    else this.ordered.set(handle, enabled);
  }
}
