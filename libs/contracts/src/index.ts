import 'reflect-metadata';
// kernel: envelope, ids, topics, field errors, the event map
export * from './kernel/envelope';
export * from './kernel/read-envelope';
export * from './kernel/uuid-v7';
export * from './kernel/topics';
export * from './kernel/handle';
export * from './kernel/field-error';
export * from './kernel/event-map';
export * from './kernel/result';
export type { Parsed } from './kernel/snapshot';
// rpc: declarations, requests, replies, pages
export * from './rpc/define-rpc';
export * from './rpc/rpc-request';
export * from './rpc/rpc-reply';
export * from './rpc/page';
export * from './rpc/registry';
// campaigns
export * from './campaigns/campaign';
export * from './campaigns/campaign.rpc';
export * from './campaigns/campaign-snapshot.v1';
export * from './campaigns/events/campaign-created.v1';
export * from './campaigns/events/campaign-created.v2';
export * from './campaigns/events/campaign-updated.v1';
export * from './campaigns/events/campaign-updated.v2';
export * from './campaigns/events/campaign-updated.v3';
export * from './campaigns/events/campaign-activated.v1';
export * from './campaigns/events/campaign-paused.v1';
// links
export * from './links/link';
export * from './links/link.rpc';
export * from './links/link-snapshot.v1';
export * from './links/events/link-upserted.v1';
export * from './links/events/link-deleted.v1';
// rules
export * from './rules/rule';
export * from './rules/rule.rpc';
export * from './rules/rule-snapshot.v1';
export * from './rules/events/rule-upserted.v1';
export * from './rules/events/rule-deleted.v1';
// access: roles, tokens
export * from './access/access';
export * from './access/token.rpc';
export * from './access/events/token-created.v1';
export * from './access/events/token-revoked.v1';
// clicks
export * from './clicks/click';
export * from './clicks/events/click-recorded.v1';
// conversions
export * from './conversions/conversion';
export * from './conversions/conversion.rpc';
export * from './conversions/events/conversion-fields.v1';
export * from './conversions/events/conversion-recorded.v1';
export * from './conversions/events/conversion-tested.v1';
// webhooks
export * from './webhooks/webhook';
export * from './webhooks/webhook.rpc';
// analytics
export * from './analytics/analytics';
export * from './analytics/analytics.rpc';
