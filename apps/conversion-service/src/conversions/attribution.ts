/**
 * Pure attribution and dedupe rules (no I/O), shared by the RPC path, the click consumer and the sweep.
 */
import { ConversionStatusReason, GOAL_DEFAULTS } from '@funnel/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

export type AttributionModel = 'LAST_CLICK' | 'FIRST_CLICK';

/**
 * The personalization variant that served a click: its id, null when none served it, undefined
 * when not known (a click stored before variants were kept). Conversion events carry the credited
 * click's as `clickVariantId` (absent when undefined): analytics segment conversions by it.
 */
export type ClickVariant = string | null | undefined;

export interface ClickFacts {
  clickId: string;
  campaignId: string;
  occurredAt: Date;
  variantId: ClickVariant;
}

/** What this service knows of a campaign (from its snapshot); null while the snapshot has not arrived. */
export interface CampaignFacts {
  status: string;
  eventType: string;
  cookieDurationDays: number;
  attributionModel: AttributionModel;
}

export type Attribution =
  | { attributed: true; campaignId: string; clickId: string; clickVariantId: ClickVariant }
  | { attributed: false; reason: Extract<ConversionStatusReason, 'no_click_id' | 'click_not_found' | 'outside_window' | 'no_click_for_visitor'> };

/**
 * Credits the conversion to the campaign of the click it names, when that click is known and the
 * conversion falls inside the campaign's cookie window. cookieDurationDays 0 means "click id only,
 * no persisted window": a conversion that names its click is credited whatever the delay. An
 * unknown campaign (snapshot not arrived yet) does not block attribution by click id.
 */
export function attributeByClick(input: { clickId: string | null; click: ClickFacts | null; campaign: CampaignFacts | null; convertedAt: Date }): Attribution {
  if (!input.clickId) return { attributed: false, reason: 'no_click_id' };
  if (!input.click) return { attributed: false, reason: 'click_not_found' };
  if (!inCookieWindow(input.click, input.campaign, input.convertedAt)) return { attributed: false, reason: 'outside_window' };
  return { attributed: true, campaignId: input.click.campaignId, clickId: input.click.clickId, clickVariantId: input.click.variantId };
}

export function inCookieWindow(click: Pick<ClickFacts, 'occurredAt'>, campaign: Pick<CampaignFacts, 'cookieDurationDays'> | null, convertedAt: Date): boolean {
  const days = campaign?.cookieDurationDays ?? 0;
  return days === 0 || convertedAt.getTime() - click.occurredAt.getTime() <= days * DAY_MS;
}

/**
 * Attribution by visitor id (no click id given): among the visitor's clicks up to the conversion,
 * those inside their campaign's window are eligible; a 0-day window (click id only) or an unknown
 * campaign makes a click ineligible. The most recent eligible click picks the campaign; that
 * campaign's model picks the click: LAST_CLICK that one, FIRST_CLICK the visitor's earliest
 * eligible click of the same campaign (so the link that brought the visitor gets the credit).
 */
export function attributeByVisitor(input: { clicks: Array<ClickFacts & { campaign: CampaignFacts | null }>; convertedAt: Date }): Attribution {
  const at = input.convertedAt.getTime();
  const eligible = input.clicks
    .filter((c) => c.campaign !== null && c.campaign.cookieDurationDays > 0 && c.occurredAt.getTime() <= at && inCookieWindow(c, c.campaign, input.convertedAt))
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.clickId.localeCompare(b.clickId));
  const last = eligible.at(-1);
  if (!last) return { attributed: false, reason: 'no_click_for_visitor' };
  const chosen = last.campaign?.attributionModel === 'FIRST_CLICK' ? (eligible.find((c) => c.campaignId === last.campaignId) ?? last) : last;
  return { attributed: true, campaignId: chosen.campaignId, clickId: chosen.clickId, clickVariantId: chosen.variantId };
}

/** Event types any campaign may receive besides its own: the seed's goal defaults. */
export const STANDARD_EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(GOAL_DEFAULTS).map((d) => d.eventType));

/**
 * Whether an attributed conversion counts for its campaign: not while the campaign is PAUSED
 * (seed 000: no new tracking), and only for the campaign's own event type. An unknown campaign
 * (snapshot not arrived) does not block counting.
 */
export function countability(campaign: CampaignFacts | null, eventType: string): { counts: true } | { counts: false; reason: 'campaign_paused' | 'event_type_mismatch' } {
  if (!campaign) return { counts: true };
  if (campaign.status === 'PAUSED') return { counts: false, reason: 'campaign_paused' };
  if (campaign.eventType !== eventType) return { counts: false, reason: 'event_type_mismatch' };
  return { counts: true };
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

export type RecordedStatus = 'counted' | 'duplicate' | 'unattributed' | 'not_counted';

export interface ConversionDecision {
  status: RecordedStatus;
  statusReason: ConversionStatusReason | null;
  campaignId: string | null;
  /** The click credited (for visitor attribution, the one chosen); else the click id as posted. */
  clickId: string | null;
  /** The credited click's variant, for the event (undefined when not attributed or not known). */
  clickVariantId: ClickVariant;
  duplicateOf: string | null;
  /** Whether conversion.recorded is emitted now: only for a counted conversion. */
  emit: boolean;
}

/**
 * A duplicate is never counted, whatever its attribution; an attributed one counts unless its
 * campaign does not count it (paused, other event type); otherwise it is unattributed.
 */
export function decideConversion(
  attribution: Attribution,
  dedupeDecision: DedupeDecision,
  counting: ReturnType<typeof countability>,
  postedClickId: string | null,
): ConversionDecision {
  const campaignId = attribution.attributed ? attribution.campaignId : null;
  const clickId = attribution.attributed ? attribution.clickId : postedClickId;
  const clickVariantId = attribution.attributed ? attribution.clickVariantId : undefined;
  if (dedupeDecision.duplicate) {
    return { status: 'duplicate', statusReason: 'duplicate_order_id', campaignId, clickId, clickVariantId, duplicateOf: dedupeDecision.duplicateOf, emit: false };
  }
  if (!attribution.attributed) return { status: 'unattributed', statusReason: attribution.reason, campaignId: null, clickId, clickVariantId, duplicateOf: null, emit: false };
  if (!counting.counts) return { status: 'not_counted', statusReason: counting.reason, campaignId, clickId, clickVariantId, duplicateOf: null, emit: false };
  return { status: 'counted', statusReason: null, campaignId, clickId, clickVariantId, duplicateOf: null, emit: true };
}
