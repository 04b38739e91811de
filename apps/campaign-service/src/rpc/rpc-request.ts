import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { FieldError, HANDLE_PATTERN, RpcReply, rpcFail } from '@funnel/contracts';

/** The parts of an RpcRequest a handler uses, after checking their shape. */
export interface ParsedRequest {
  handle: string;
  requestId: string;
  /** Who asked (JWT subject or `pat:<tokenId>`), for audit fields; empty when absent. */
  actorSub: string;
  params: Record<string, string>;
  body: unknown;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reply: RpcReply<never> };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the request envelope the gateway sent; the tenant handle in particular is never trusted blindly. */
export function parseRequest(raw: unknown): Checked<ParsedRequest> {
  if (!isRecord(raw)) return { ok: false, reply: rpcFail(400, 'invalid_request', 'Request must be an object.') };
  const { handle, requestId, params, body, actor } = raw;
  if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) {
    return { ok: false, reply: rpcFail(400, 'invalid_handle', 'Handle must match ^[a-z0-9][a-z0-9_-]{1,63}$.') };
  }
  const cleanParams: Record<string, string> = {};
  if (isRecord(params)) for (const [k, v] of Object.entries(params)) if (typeof v === 'string') cleanParams[k] = v;
  return {
    ok: true,
    value: {
      handle,
      requestId: typeof requestId === 'string' && requestId.length > 0 ? requestId.slice(0, 128) : '',
      actorSub: isRecord(actor) && typeof actor.sub === 'string' ? actor.sub.slice(0, 200) : '',
      params: cleanParams,
      body: body ?? {},
    },
  };
}

function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([code, message]) => ({ field, message, code }));
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

/**
 * Validates a body with the same DTO class the gateway uses (whitelist, no unknown fields).
 * A bad campaignId is reported as seed 000's `invalid_campaign_id`; anything else as `validation_failed`.
 */
export function validateBody<T extends object>(dto: new () => T, body: unknown): Checked<T> {
  if (!isRecord(body)) return { ok: false, reply: rpcFail(400, 'validation_failed', 'Body must be a JSON object.') };
  const value = plainToInstance(dto, body);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length === 0) return { ok: true, value };
  const fields = fieldErrors(errors);
  if (fields.some((f) => f.field === 'campaignId')) {
    return { ok: false, reply: rpcFail(400, 'invalid_campaign_id', 'Campaign ID does not match required pattern ^[a-z0-9][a-z0-9_-]{2,63}$.', fields) };
  }
  return { ok: false, reply: rpcFail(400, 'validation_failed', 'Request body is invalid.', fields) };
}
