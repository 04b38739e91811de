import { TOKEN_RPC } from '../access/token.rpc';
import { ANALYTICS_RPC } from '../analytics/analytics.rpc';
import { CAMPAIGN_RPC } from '../campaigns/campaign.rpc';
import { CONVERSION_RPC } from '../conversions/conversion.rpc';
import { LINK_RPC } from '../links/link.rpc';
import { RULE_RPC } from '../rules/rule.rpc';
import { WEBHOOK_RPC } from '../webhooks/webhook.rpc';

/**
 * Every request-reply pattern between the gateway and the owning services over Kafka
 * (@nestjs/microservices), declared once in its context with its body class and reply type.
 * The pattern is the request topic; replies go to `<pattern>.reply`.
 */
export const RPCS = { ...CAMPAIGN_RPC, ...LINK_RPC, ...RULE_RPC, ...TOKEN_RPC, ...CONVERSION_RPC, ...WEBHOOK_RPC, ...ANALYTICS_RPC } as const;

export type RpcName = keyof typeof RPCS;

/** The pattern strings by name, for `@MessagePattern(RPC.campaignCreate)` and topic lists. */
export const RPC = Object.fromEntries(Object.entries(RPCS).map(([name, declaration]) => [name, declaration.pattern])) as {
  readonly [K in RpcName]: (typeof RPCS)[K]['pattern'];
};

export type RpcPattern = (typeof RPC)[RpcName];

export const RPC_TOPICS: readonly string[] = Object.values(RPC).flatMap((p) => [p, `${p}.reply`]);
