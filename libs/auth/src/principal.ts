import type { Role } from '@funnel/contracts';
import { scopeGrants } from '@funnel/contracts';
import type { Principal } from './jwt';

/** A caller proven by a personal access token (verified by the campaign-service, which stores its hash). */
export interface PatPrincipal {
  kind: 'pat';
  /** `pat:<tokenId>`, what audit fields record. */
  sub: string;
  handle: string;
  tokenId: string;
  scopes: string[];
  /** What the owning services see as the actor's role; a PAT's powers are its scopes, checked at the gateway. */
  role: Role;
}

export type JwtPrincipal = Principal & { kind?: 'jwt' };

export type AnyPrincipal = JwtPrincipal | PatPrincipal;

export function isPatPrincipal(p: AnyPrincipal): p is PatPrincipal {
  return p.kind === 'pat';
}

/** True when a PAT's scopes cover every required scope (`analytics.*` covers `analytics.read`). */
export function scopesAllow(granted: readonly string[], required: readonly string[]): boolean {
  return required.length > 0 && required.every((scope) => scopeGrants(granted, scope));
}
