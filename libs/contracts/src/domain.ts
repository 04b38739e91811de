/** Domain vocabulary shared by the gateway's validation and the owning services (seed 000). */
export const CAMPAIGN_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{2,63}$/;
export const SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9_-]{1,63}$/;

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

export const TRACKING_MODES = ['DIRECT', 'CONTEXT'] as const;
export type TrackingMode = (typeof TRACKING_MODES)[number];

export const DEVICE_CLASSES = ['desktop', 'mobile', 'tablet', 'bot', 'other'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export const ROLES = ['VIEWER', 'CREATOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** click.recorded is deliberately not offered: see docs/conversion-service.md (Webhooks, events). */
export const WEBHOOK_EVENTS = ['conversion.recorded', 'conversion.tested', 'campaign.activated', 'campaign.paused'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Name of the query parameter that carries the click id to the destination. */
export const CONTEXT_PARAM = 'fnl_click';
export const DEFAULT_COOKIE_DURATION_DAYS = 30;
