export const ROLES = ['VIEWER', 'CREATOR', 'ADMIN'] as const;

export type Role = (typeof ROLES)[number];

/** Control-plane vocabulary (issue: lifecycle, rules, tokens) shared by the gateway and the campaign-service. */
// ---- personal access tokens ----
export const PAT_SCOPES = [
  'campaigns.read',
  'campaigns.write',
  'analytics.read',
  'analytics.*',
  'pages.read',
  'pages.write',
  'conversions.write',
] as const;

export type PatScope = (typeof PAT_SCOPES)[number];

/** Every PAT starts with this, so a leaked one is easy to recognise (and to scan for). */
export const PAT_PREFIX = 'fnl_pat_';

/** The whole of a PAT: the prefix and 32 random bytes in base64url without padding (43 characters). */
export const PAT_PATTERN = /^fnl_pat_[A-Za-z0-9_-]{43}$/;

/** True when `granted` covers `required`: an exact match, or a `<family>.*` wildcard of its family. */
export function scopeGrants(granted: readonly string[], required: string): boolean {
  const family = required.split('.')[0];
  return granted.includes(required) || granted.includes(`${family}.*`);
}
