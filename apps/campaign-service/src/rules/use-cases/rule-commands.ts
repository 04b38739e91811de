import { Injectable } from '@nestjs/common';
import { createEnvelope, fail, Failure, ok, PutRuleBody, Result, RULE_ID_PATTERN, RuleDeletedV1, RuleUpsertedV1, RuleView } from '@funnel/contracts';
import { versionedWrite } from '../../platform/event-store/versioned-write';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../../platform/rpc/cursor';
import { applyRuleEvent, cleanWhen, RuleState, toRuleView } from '../rule';
import { RuleRepository } from '../rule.repository';

export const invalidRuleId = (): Failure => fail('invalid_rule_id', `Rule ID must match ${RULE_ID_PATTERN.source}.`);
export const ruleNotFound = (ruleId: string): Failure => fail('rule_not_found', `Rule '${ruleId}' does not exist.`);

interface RuleCommand {
  handle: string;
  requestId: string;
  ruleId: string;
  ifMatch?: number;
}

/** PUT: creates or replaces the rule whole; the body was validated and normalized (device classes lower case, countries upper case). */
@Injectable()
export class PutRule {
  constructor(private readonly rules: RuleRepository) {}

  async execute({ handle, requestId, ruleId, ifMatch, body }: RuleCommand & { body: PutRuleBody }): Promise<Result<RuleView>> {
    if (!RULE_ID_PATTERN.test(ruleId)) return invalidRuleId();
    if (body.ruleId !== undefined && body.ruleId !== ruleId) {
      return fail('validation_failed', 'ruleId in the body must match the path.', [
        { field: 'ruleId', message: 'ruleId must equal the ruleId in the path', code: 'mismatch' },
      ]);
    }
    const payload: RuleUpsertedV1 = {
      ruleId,
      enabled: body.enabled ?? true,
      priority: body.priority,
      when: cleanWhen(body.when ?? {}),
      variant: { id: body.variant.id, destinationUrl: body.variant.destinationUrl },
    };
    const result = await versionedWrite<RuleState>({
      ifMatch,
      load: () => this.rules.find(handle, ruleId),
      save: (state, events) => this.rules.save(state, events),
      decide: (current) => {
        const event = createEnvelope({
          type: RuleUpsertedV1.type,
          version: RuleUpsertedV1.version,
          handle,
          aggregateId: ruleId,
          aggregateVersion: (current?.version ?? 0) + 1,
          correlationId: requestId || undefined,
          payload,
        });
        return { ok: true, state: applyRuleEvent(current, event), events: [event] };
      },
    });
    return result.ok ? ok(toRuleView(result.state)) : result;
  }
}

@Injectable()
export class GetRule {
  constructor(private readonly rules: RuleRepository) {}

  async execute({ handle, ruleId }: { handle: string; ruleId: string }): Promise<Result<RuleView>> {
    if (!RULE_ID_PATTERN.test(ruleId)) return invalidRuleId();
    const rule = await this.rules.find(handle, ruleId);
    return rule && !rule.deleted ? ok(toRuleView(rule)) : ruleNotFound(ruleId);
  }
}

@Injectable()
export class DeleteRule {
  constructor(private readonly rules: RuleRepository) {}

  async execute({ handle, requestId, ruleId, ifMatch }: RuleCommand): Promise<Result<{ deleted: true; ruleId: string; version: number }>> {
    if (!RULE_ID_PATTERN.test(ruleId)) return invalidRuleId();
    const result = await versionedWrite<RuleState>({
      ifMatch,
      load: async () => {
        const rule = await this.rules.find(handle, ruleId);
        return rule && !rule.deleted ? rule : null;
      },
      save: (state, events) => this.rules.save(state, events),
      decide: (current) => {
        if (!current) return ruleNotFound(ruleId);
        const event = createEnvelope({
          type: RuleDeletedV1.type,
          version: RuleDeletedV1.version,
          handle,
          aggregateId: ruleId,
          aggregateVersion: current.version + 1,
          correlationId: requestId || undefined,
          payload: { ruleId },
        });
        return { ok: true, state: applyRuleEvent(current, event), events: [event] };
      },
    });
    return result.ok ? ok({ deleted: true, ruleId, version: result.state.version }) : result;
  }
}

@Injectable()
export class ListRules {
  constructor(private readonly rules: RuleRepository) {}

  async execute({ handle, cursor, limit = DEFAULT_PAGE_SIZE }: { handle: string; cursor?: string; limit?: number }): Promise<Result<{ rules: RuleView[]; nextCursor: string | null }>> {
    const decoded = decodeCursor(cursor, 1);
    if (!decoded.ok) return decoded;
    const rows = await this.rules.list(handle, { afterRuleId: decoded.key?.[0], limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return ok({ rules: page.map(toRuleView), nextCursor: rows.length > limit && last ? encodeCursor([last.ruleId]) : null });
  }
}
