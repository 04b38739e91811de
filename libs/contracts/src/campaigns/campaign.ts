/** Domain vocabulary shared by the gateway's validation and the owning services (seed 000). */
export const CAMPAIGN_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{2,63}$/;

export const GOAL_TYPES = ['PRODUCT_SALE', 'LEAD_CAPTURE', 'NEWSLETTER', 'AFFILIATE_CLICKOUT', 'APP_INSTALL'] as const;

export type GoalType = (typeof GOAL_TYPES)[number];

/** Seed 000 "Goal types" table: default tracking preset and event type per goal. */
export const GOAL_DEFAULTS: Record<GoalType, { trackingPreset: string; eventType: string }> = {
  PRODUCT_SALE: { trackingPreset: 'ga4_purchase', eventType: 'purchase' },
  LEAD_CAPTURE: { trackingPreset: 'ga4_lead', eventType: 'lead' },
  NEWSLETTER: { trackingPreset: 'ga4_sign_up', eventType: 'newsletter_signup' },
  AFFILIATE_CLICKOUT: { trackingPreset: 'custom_webhook', eventType: 'affiliate_click' },
  APP_INSTALL: { trackingPreset: 'ga4_app_install', eventType: 'app_install' },
};

export const CAMPAIGN_STATUSES = ['DRAFT', 'ACTIVE', 'PAUSED'] as const;

export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const DEFAULT_COOKIE_DURATION_DAYS = 30;

/**
 * How the conversion-service credits a conversion found by visitorId: the visitor's latest click in
 * the cookie window (LAST_CLICK, the default) or the earliest (FIRST_CLICK).
 */
export const ATTRIBUTION_MODELS = ['LAST_CLICK', 'FIRST_CLICK'] as const;

export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export const DEFAULT_ATTRIBUTION_MODEL: AttributionModel = 'LAST_CLICK';

export function isAttributionModel(value: unknown): value is AttributionModel {
  return typeof value === 'string' && (ATTRIBUTION_MODELS as readonly string[]).includes(value);
}
