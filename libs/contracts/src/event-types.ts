/** Event type names with their current versions; a published version is never edited. */
export const EVENT_TYPES = {
  campaignCreated: 'campaign.created',
  campaignUpdated: 'campaign.updated',
  campaignActivated: 'campaign.activated',
  campaignPaused: 'campaign.paused',
  linkUpserted: 'link.upserted',
  linkDeleted: 'link.deleted',
  ruleUpserted: 'rule.upserted',
  ruleDeleted: 'rule.deleted',
  tokenCreated: 'token.created',
  tokenRevoked: 'token.revoked',
  clickRecorded: 'click.recorded',
  conversionRecorded: 'conversion.recorded',
  conversionTested: 'conversion.tested',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];
