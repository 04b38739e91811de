/**
 * Pure attribution and dedupe rules (no I/O), shared by the RPC path and the click consumer.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ClickFacts {
  campaignId: string;
  occurredAt: Date;
}

/** What this service knows of the click's campaign; null while its snapshot has not arrived. */
export interface CampaignFacts {
  cookieDurationDays: number;
}

export type Attribution =
  | { attributed: true; campaignId: string }
  | { attributed: false; reason: 'no_click_id' | 'click_not_found' | 'outside_window' };

/**
 * Credits the conversion to the campaign of its click when the click is known and the conversion
 * falls inside the campaign's cookie window. cookieDurationDays 0 means "last click only, no
 * persisted window": a conversion that names its click explicitly is credited whatever the delay.
 * An unknown campaign (snapshot not arrived yet) does not block attribution.
 */
export function attribute(input: {
  clickId: string | null;
  click: ClickFacts | null;
  campaign: CampaignFacts | null;
  convertedAt: Date;
}): Attribution {
  if (!input.clickId) return { attributed: false, reason: 'no_click_id' };
  if (!input.click) return { attributed: false, reason: 'click_not_found' };
  if (!inCookieWindow(input.click, input.campaign, input.convertedAt)) return { attributed: false, reason: 'outside_window' };
  return { attributed: true, campaignId: input.click.campaignId };
}

export function inCookieWindow(click: ClickFacts, campaign: CampaignFacts | null, convertedAt: Date): boolean {
  const days = campaign?.cookieDurationDays ?? 0;
  return days === 0 || convertedAt.getTime() - click.occurredAt.getTime() <= days * DAY_MS;
}

export type DedupeDecision = { duplicate: false } | { duplicate: true; duplicateOf: string };

/**
 * `orderOwner` is the conversion id stored under (handle, orderId) after this conversion tried
 * to claim it: itself when the claim won, the earlier conversion otherwise.
 */
export function dedupe(input: { conversionId: string; orderId: string | null; orderOwner: string | null }): DedupeDecision {
  if (!input.orderId || !input.orderOwner || input.orderOwner === input.conversionId) return { duplicate: false };
  return { duplicate: true, duplicateOf: input.orderOwner };
}

export type RecordedStatus = 'counted' | 'duplicate' | 'unattributed';

export interface ConversionDecision {
  status: RecordedStatus;
  campaignId: string | null;
  duplicateOf: string | null;
  /** Whether conversion.recorded is emitted now: only for a counted conversion. */
  emit: boolean;
}

/** A duplicate is never counted, whatever its attribution; otherwise counted iff attributed. */
export function decideConversion(attribution: Attribution, dedupeDecision: DedupeDecision): ConversionDecision {
  const campaignId = attribution.attributed ? attribution.campaignId : null;
  if (dedupeDecision.duplicate) return { status: 'duplicate', campaignId, duplicateOf: dedupeDecision.duplicateOf, emit: false };
  if (attribution.attributed) return { status: 'counted', campaignId, duplicateOf: null, emit: true };
  return { status: 'unattributed', campaignId: null, duplicateOf: null, emit: false };
}
