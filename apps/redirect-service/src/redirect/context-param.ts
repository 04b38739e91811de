import { CONTEXT_PARAM } from '@funnel/contracts';

/**
 * Adds `CONTEXT_PARAM=<clickId>` to a destination URL, keeping its query and fragment as
 * registered: the parameter goes at the end of the query, before any `#fragment`. String work
 * rather than URL parsing, because this runs on every redirect and must not re-encode what the
 * link's owner wrote. The click id is a UUID, so it needs no escaping.
 */
export function appendContextParam(destination: string, clickId: string): string {
  const hash = destination.indexOf('#');
  const base = hash === -1 ? destination : destination.slice(0, hash);
  const fragment = hash === -1 ? '' : destination.slice(hash);
  const query = base.indexOf('?');
  const separator = query === -1 ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${CONTEXT_PARAM}=${clickId}${fragment}`;
}
