import { ROLES, Role } from '../access/access';
import { HANDLE_PATTERN } from '../kernel/handle';
import { RpcDeclaration, validateInput } from './define-rpc';
import { isRecord, RpcError } from './rpc-reply';

export interface Actor {
  sub: string;
  role: Role;
}

/** Every request carries the tenant, who asks, and the request id for tracing. */
export interface RpcRequest<TBody = Record<string, never>, TParams = Record<string, string>> {
  handle: string;
  requestId: string;
  actor: Actor;
  params: TParams;
  body: TBody;
}

/**
 * Params the gateway adds for a conditional write: `ifMatch` is the aggregate version from the
 * If-Match header (its ETag); a write whose aggregate is at another version answers 412.
 */
export const IF_MATCH_PARAM = 'ifMatch';

/** A request as a service handler sees it: every part checked, the body an instance of its class. */
export interface ParsedRpcRequest<B> {
  handle: string;
  /** Empty when absent; at most 128 characters. */
  requestId: string;
  /** Who asked (JWT subject or `pat:<tokenId>`, at most 200 characters, empty when absent) and their role when it is a known one. */
  actor: { sub: string; role: Role | null };
  /** String params only; anything else the caller sent is dropped. */
  params: Record<string, string>;
  body: B;
}

/** `invalid` says which part was refused: the request envelope (its shape or handle) or the body. */
export type RpcParse<B> = { ok: true; request: ParsedRpcRequest<B> } | { ok: false; invalid: 'request' | 'body'; error: RpcError };

/**
 * The one server-side check of a request from the gateway (a service never trusts its caller's
 * validation): the envelope must be an object (else 400 `invalid_request`), the tenant handle must
 * match HANDLE_PATTERN (else 400 `invalid_handle`), and the body is validated with the pattern's
 * class (400 `validation_failed` or `invalid_campaign_id`, fields as the gateway reports them).
 */
export function parseRpcRequest<B extends object>(declaration: RpcDeclaration<string, B, unknown>, raw: unknown): RpcParse<B> {
  if (!isRecord(raw)) return { ok: false, invalid: 'request', error: { status: 400, error: 'invalid_request', message: 'Request must be an object.' } };
  const { handle, requestId, params, body, actor } = raw;
  if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) {
    return { ok: false, invalid: 'request', error: { status: 400, error: 'invalid_handle', message: `Handle must match ${HANDLE_PATTERN.source}.` } };
  }
  const validated = validateInput(declaration.body, body);
  if (!validated.ok) return { ok: false, invalid: 'body', error: validated.error };
  const cleanParams: Record<string, string> = {};
  if (isRecord(params)) for (const [k, v] of Object.entries(params)) if (typeof v === 'string') cleanParams[k] = v;
  const role = isRecord(actor) && (ROLES as readonly unknown[]).includes(actor.role) ? (actor.role as Role) : null;
  return {
    ok: true,
    request: {
      handle,
      requestId: typeof requestId === 'string' ? requestId.slice(0, 128) : '',
      actor: { sub: isRecord(actor) && typeof actor.sub === 'string' ? actor.sub.slice(0, 200) : '', role },
      params: cleanParams,
      body: validated.value,
    },
  };
}
