import type { Role } from '@funnel/contracts';
import { AnyPrincipal, isPatPrincipal, roleAtLeast } from '@funnel/auth';

/** The role the webhook routes require (JWT only: no PAT scope covers webhooks). */
export const WEBHOOK_READ_ROLE: Role = 'CREATOR';

/**
 * Whether this caller may see where a handle's data is sent: a receiver URL appears only in answers
 * to callers who could read it on the webhook routes (docs/auth.md).
 */
export function mayReadWebhooks(principal: AnyPrincipal): boolean {
  return !isPatPrincipal(principal) && roleAtLeast(principal.role, WEBHOOK_READ_ROLE);
}
