import { Envelope, RuleDeletedV1, RuleSnapshotV1, RuleUpsertedV1, RuleView } from '@funnel/contracts';

export const RULE_AGGREGATE = 'rule';

/** The personalization rule aggregate's state (aggregate id = ruleId, scoped by handle). */
export interface RuleState {
  handle: string;
  ruleId: string;
  enabled: boolean;
  priority: number;
  when: RuleSnapshotV1['when'];
  variant: { id: string; destinationUrl: string };
  /** Deleted rules keep their stream so a later PUT continues it. */
  deleted: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function applyRuleEvent(state: RuleState | null, event: Envelope<object>): RuleState {
  const at = new Date(event.occurredAt);
  if (event.type === RuleUpsertedV1.type && event.version === RuleUpsertedV1.version) {
    const p = event.payload as RuleUpsertedV1;
    return {
      handle: event.handle,
      ruleId: p.ruleId,
      enabled: p.enabled,
      priority: p.priority,
      when: cleanWhen(p.when),
      variant: { id: p.variant.id, destinationUrl: p.variant.destinationUrl },
      deleted: false,
      version: event.aggregateVersion,
      createdAt: state && !state.deleted ? state.createdAt : at,
      updatedAt: at,
    };
  }
  if (state && event.type === RuleDeletedV1.type && event.version === RuleDeletedV1.version) {
    return { ...state, deleted: true, version: event.aggregateVersion, updatedAt: at };
  }
  throw new Error(`cannot apply ${event.type} v${event.version} to rule ${event.aggregateId} at version ${state?.version ?? 0}`);
}

export function foldRule(events: Array<Envelope<object>>): RuleState | null {
  return events.reduce<RuleState | null>((state, e) => applyRuleEvent(state, e), null);
}

/** Only the condition lists that are present (absent = match everything), as plain arrays. */
export function cleanWhen(when: RuleSnapshotV1['when']): RuleSnapshotV1['when'] {
  const out: RuleSnapshotV1['when'] = {};
  if (when.campaignIn) out.campaignIn = [...when.campaignIn];
  if (when.deviceIn) out.deviceIn = [...when.deviceIn];
  if (when.countryIn) out.countryIn = [...when.countryIn];
  if (when.sourceIn) out.sourceIn = [...when.sourceIn];
  return out;
}

export function toRuleView(s: RuleState): RuleView {
  return {
    ruleId: s.ruleId,
    handle: s.handle,
    enabled: s.enabled,
    priority: s.priority,
    when: cleanWhen(s.when),
    variant: { ...s.variant },
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toRuleSnapshot(s: RuleState): RuleSnapshotV1 {
  return {
    schema: 'rule-snapshot.v1',
    handle: s.handle,
    ruleId: s.ruleId,
    enabled: s.enabled,
    priority: s.priority,
    when: cleanWhen(s.when),
    variant: { ...s.variant },
    version: s.version,
    updatedAt: s.updatedAt.toISOString(),
  };
}
