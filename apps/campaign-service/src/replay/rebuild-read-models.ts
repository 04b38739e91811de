import { Envelope } from '@funnel/contracts';
import { applyCampaignEvent, CAMPAIGN_AGGREGATE, CampaignState } from '../campaigns/campaign';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import { applyLinkEvent, LINK_AGGREGATE, LinkState } from '../links/link';
import { applyRuleEvent, RULE_AGGREGATE, RuleState } from '../rules/rule';
import { applyTokenEvent, TOKEN_AGGREGATE, TokenState } from '../tokens/token';

export interface RebuildSummary {
  events: number;
  campaigns: number;
  links: number;
  rules: number;
  tokens: number;
}

type Row = {
  aggregateType: string;
  aggregateId: string;
  handle: string;
  aggregateVersion: number;
  type: string;
  version: number;
  payload: Prisma.JsonValue;
  eventId: string;
  occurredAt: Date;
  correlationId: string;
  causationId: string | null;
};

function envelopeOf(r: Row): Envelope<object> {
  return {
    eventId: r.eventId,
    type: r.type,
    version: r.version,
    occurredAt: r.occurredAt.toISOString(),
    handle: r.handle,
    aggregateId: r.aggregateId,
    aggregateVersion: r.aggregateVersion,
    correlationId: r.correlationId,
    causationId: r.causationId,
    payload: (r.payload ?? {}) as object,
  };
}

const json = (value: object): Prisma.InputJsonObject => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonObject;

/** Events are read in pages so a large store never sits in memory twice. */
const PAGE = 5000;

/**
 * Rebuilds every read model (campaigns, links, rules, tokens) from the event store alone, in one
 * transaction. The read-model tables are locked first: a concurrent command waits, and since a
 * command appends its events and updates its read model in one transaction, what this reads and
 * what it writes stay consistent. Nothing is published: the compacted topics already hold the
 * snapshots, and the events themselves are unchanged.
 */
export async function rebuildReadModels(prisma: PrismaClient): Promise<RebuildSummary> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('LOCK TABLE campaigns, links, rules, tokens IN EXCLUSIVE MODE');
      const campaigns = new Map<string, CampaignState>();
      const links = new Map<string, LinkState>();
      const rules = new Map<string, RuleState>();
      const tokens = new Map<string, TokenState>();
      let events = 0;
      let after = BigInt(0);
      for (;;) {
        // Global id order keeps each aggregate's versions in order (they are appended in order).
        const page = await tx.event.findMany({ where: { id: { gt: after } }, orderBy: { id: 'asc' }, take: PAGE });
        if (page.length === 0) break;
        after = page[page.length - 1].id;
        for (const row of page) {
          events++;
          const event = envelopeOf(row);
          const key = `${row.handle}/${row.aggregateId}`;
          if (row.aggregateType === CAMPAIGN_AGGREGATE) campaigns.set(key, applyCampaignEvent(campaigns.get(key) ?? null, event));
          else if (row.aggregateType === LINK_AGGREGATE) links.set(key, applyLinkEvent(links.get(key) ?? null, event));
          else if (row.aggregateType === RULE_AGGREGATE) rules.set(key, applyRuleEvent(rules.get(key) ?? null, event));
          else if (row.aggregateType === TOKEN_AGGREGATE) tokens.set(key, applyTokenEvent(tokens.get(key) ?? null, event));
          else throw new Error(`event ${row.eventId} has an unknown aggregate type ${row.aggregateType}`);
        }
      }
      await tx.campaign.deleteMany({});
      await tx.link.deleteMany({});
      await tx.rule.deleteMany({});
      await tx.token.deleteMany({});
      if (campaigns.size) await tx.campaign.createMany({ data: [...campaigns.values()] });
      if (links.size) {
        await tx.link.createMany({
          data: [...links.values()].map((l) => ({
            handle: l.handle,
            slug: l.slug,
            destinationUrl: l.destinationUrl,
            campaignId: l.campaignId,
            trackingMode: l.trackingPolicy.mode,
            appendContextParam: l.trackingPolicy.appendContextParam,
            deleted: l.deleted,
            version: l.version,
            createdAt: l.createdAt,
            updatedAt: l.updatedAt,
          })),
        });
      }
      if (rules.size) {
        await tx.rule.createMany({
          data: [...rules.values()].map((r) => ({
            handle: r.handle,
            ruleId: r.ruleId,
            enabled: r.enabled,
            priority: r.priority,
            when: json(r.when),
            variantId: r.variant.id,
            destinationUrl: r.variant.destinationUrl,
            deleted: r.deleted,
            version: r.version,
            createdAt: r.createdAt,
            updatedAt: r.updatedAt,
          })),
        });
      }
      if (tokens.size) await tx.token.createMany({ data: [...tokens.values()] });
      return { events, campaigns: campaigns.size, links: links.size, rules: rules.size, tokens: tokens.size };
    },
    { timeout: 10 * 60 * 1000, maxWait: 60 * 1000 },
  );
}
