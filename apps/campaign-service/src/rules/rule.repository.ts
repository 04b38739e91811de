import { Inject, Injectable } from '@nestjs/common';
import { CampaignEnv } from '@funnel/config';
import { DEVICE_CLASSES, DeviceClass, Envelope, RuleSnapshotV1, snapshotKey, TOPICS } from '@funnel/contracts';
import { ConcurrencyError } from '../platform/event-store/concurrency.error';
import { envelopeMessage, EventStore } from '../platform/event-store/event-store';
import { PrismaService } from '../platform/event-store/prisma.service';
import { claimHandleSlot } from '../platform/event-store/handle-limit';
import { CAMPAIGN_ENV } from '../platform/campaign.config';
import { Prisma, Rule as RuleRow } from '../generated/prisma/client';
import { foldRule, RULE_AGGREGATE, RuleState, toRuleSnapshot } from './rule';

/** Rule persistence as the use cases see it. */
export abstract class RuleRepository {
  /** Deleted rules too; callers treat `deleted` as not found. */
  abstract find(handle: string, ruleId: string): Promise<RuleState | null>;
  /** Live rules by ruleId ascending, after `afterRuleId`. */
  abstract list(handle: string, options: { afterRuleId?: string; limit: number }): Promise<RuleState[]>;
  /** Throws HandleLimitError (nothing written) when it would make one rule more than the handle's limit live. */
  abstract save(state: RuleState, events: Array<Envelope<object>>): Promise<void>;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

function toWhen(json: Prisma.JsonValue): RuleSnapshotV1['when'] {
  const o = (json ?? {}) as Record<string, unknown>;
  const when: RuleSnapshotV1['when'] = {};
  const campaignIn = strings(o.campaignIn);
  const deviceIn = strings(o.deviceIn)?.filter((d): d is DeviceClass => (DEVICE_CLASSES as readonly string[]).includes(d));
  const countryIn = strings(o.countryIn);
  const sourceIn = strings(o.sourceIn);
  if (campaignIn) when.campaignIn = campaignIn;
  if (deviceIn) when.deviceIn = deviceIn;
  if (countryIn) when.countryIn = countryIn;
  if (sourceIn) when.sourceIn = sourceIn;
  return when;
}

function toState(row: RuleRow): RuleState {
  return {
    handle: row.handle,
    ruleId: row.ruleId,
    enabled: row.enabled,
    priority: row.priority,
    when: toWhen(row.when),
    variant: { id: row.variantId, destinationUrl: row.destinationUrl },
    deleted: row.deleted,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toRow(s: RuleState): Omit<RuleRow, 'when'> & { when: Prisma.InputJsonObject } {
  return {
    handle: s.handle,
    ruleId: s.ruleId,
    enabled: s.enabled,
    priority: s.priority,
    when: JSON.parse(JSON.stringify(s.when)) as Prisma.InputJsonObject,
    variantId: s.variant.id,
    destinationUrl: s.variant.destinationUrl,
    deleted: s.deleted,
    version: s.version,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

@Injectable()
export class PrismaRuleRepository extends RuleRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventStore,
    @Inject(CAMPAIGN_ENV) private readonly env: Pick<CampaignEnv, 'MAX_RULES_PER_HANDLE'>,
  ) {
    super();
  }

  async find(handle: string, ruleId: string): Promise<RuleState | null> {
    const row = await this.prisma.rule.findUnique({ where: { handle_ruleId: { handle, ruleId } } });
    return row ? toState(row) : null;
  }

  async list(handle: string, { afterRuleId, limit }: { afterRuleId?: string; limit: number }): Promise<RuleState[]> {
    const rows = await this.prisma.rule.findMany({
      where: { handle, deleted: false, ...(afterRuleId !== undefined ? { ruleId: { gt: afterRuleId } } : {}) },
      orderBy: { ruleId: 'asc' },
      take: limit,
    });
    return rows.map(toState);
  }

  async replay(handle: string, ruleId: string): Promise<RuleState | null> {
    return foldRule(await this.events.history(RULE_AGGREGATE, handle, ruleId));
  }

  async save(state: RuleState, events: Array<Envelope<object>>): Promise<void> {
    const previousVersion = state.version - events.length;
    await this.events.commit({
      aggregateType: RULE_AGGREGATE,
      events,
      project: async (tx) => {
        if (!state.deleted) {
          const before = previousVersion === 0 ? null : await tx.rule.findUnique({ where: { handle_ruleId: { handle: state.handle, ruleId: state.ruleId } }, select: { deleted: true } });
          if (!before || before.deleted) {
            await claimHandleSlot(tx, 'personalization_rules', state.handle, this.env.MAX_RULES_PER_HANDLE, () =>
              tx.rule.count({ where: { handle: state.handle, deleted: false, ruleId: { not: state.ruleId } } }),
            );
          }
        }
        if (previousVersion === 0) {
          await tx.rule.create({ data: toRow(state) });
          return;
        }
        const { count } = await tx.rule.updateMany({
          where: { handle: state.handle, ruleId: state.ruleId, version: previousVersion },
          data: toRow(state),
        });
        if (count !== 1) throw new ConcurrencyError(RULE_AGGREGATE, state.handle, state.ruleId);
      },
      outbox: [
        ...events.map(envelopeMessage),
        // What the redirect edge evaluates (RuleSnapshotV1); null value = deleted.
        {
          topic: TOPICS.ruleSnapshots,
          key: snapshotKey(state.handle, state.ruleId),
          value: state.deleted ? null : JSON.stringify(toRuleSnapshot(state)),
          headers: { schema: 'rule-snapshot.v1' },
        },
      ],
    });
  }
}
