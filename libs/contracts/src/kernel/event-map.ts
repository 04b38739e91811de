import { TokenCreatedV1 } from '../access/events/token-created.v1';
import { TokenRevokedV1 } from '../access/events/token-revoked.v1';
import { CampaignActivatedV1 } from '../campaigns/events/campaign-activated.v1';
import { CampaignCreatedV1 } from '../campaigns/events/campaign-created.v1';
import { CampaignCreatedV2 } from '../campaigns/events/campaign-created.v2';
import { CampaignPausedV1 } from '../campaigns/events/campaign-paused.v1';
import { CampaignUpdatedV1 } from '../campaigns/events/campaign-updated.v1';
import { CampaignUpdatedV2 } from '../campaigns/events/campaign-updated.v2';
import { CampaignUpdatedV3 } from '../campaigns/events/campaign-updated.v3';
import { ClickRecordedV1 } from '../clicks/events/click-recorded.v1';
import { ConversionRecordedV1 } from '../conversions/events/conversion-recorded.v1';
import { ConversionTestedV1 } from '../conversions/events/conversion-tested.v1';
import { LinkDeletedV1 } from '../links/events/link-deleted.v1';
import { LinkUpsertedV1 } from '../links/events/link-upserted.v1';
import { RuleDeletedV1 } from '../rules/events/rule-deleted.v1';
import { RuleUpsertedV1 } from '../rules/events/rule-upserted.v1';

/** A published event version: its payload class carries its type name and version number. */
export interface EventClass<T extends object = object> {
  new (): T;
  readonly type: string;
  readonly version: number;
}

/**
 * Every event type the platform writes or reads, by name, with each published version's payload
 * class (a published version is never edited; a change is a new version). Handlers are typed by
 * name: `EventPayload<'campaign.updated', 3>` is CampaignUpdatedV3.
 */
export const EVENT_MAP = {
  'campaign.created': { 1: CampaignCreatedV1, 2: CampaignCreatedV2 },
  'campaign.updated': { 1: CampaignUpdatedV1, 2: CampaignUpdatedV2, 3: CampaignUpdatedV3 },
  'campaign.activated': { 1: CampaignActivatedV1 },
  'campaign.paused': { 1: CampaignPausedV1 },
  'link.upserted': { 1: LinkUpsertedV1 },
  'link.deleted': { 1: LinkDeletedV1 },
  'rule.upserted': { 1: RuleUpsertedV1 },
  'rule.deleted': { 1: RuleDeletedV1 },
  'token.created': { 1: TokenCreatedV1 },
  'token.revoked': { 1: TokenRevokedV1 },
  'click.recorded': { 1: ClickRecordedV1 },
  'conversion.recorded': { 1: ConversionRecordedV1 },
  'conversion.tested': { 1: ConversionTestedV1 },
} as const satisfies Record<string, Record<number, EventClass>>;

export type EventType = keyof typeof EVENT_MAP;
export type EventVersion<T extends EventType> = keyof (typeof EVENT_MAP)[T] & number;
export type EventPayload<T extends EventType, V extends EventVersion<T>> = (typeof EVENT_MAP)[T][V] extends new () => infer P ? P : never;

/** The payload class of a type and version, or undefined when the platform knows no such event. */
export function eventClassOf(type: string, version: number): EventClass | undefined {
  const versions = (EVENT_MAP as Record<string, Record<number, EventClass>>)[type];
  return versions?.[version];
}

/** The newest published version of each event type. */
export function latestVersion(type: EventType): number {
  return Math.max(...Object.keys(EVENT_MAP[type]).map(Number));
}
