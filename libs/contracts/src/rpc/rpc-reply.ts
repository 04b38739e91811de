import { CAMPAIGN_ID_PATTERN } from '../campaigns/campaign';
import type { FieldError } from '../kernel/field-error';
import type { Result } from '../kernel/result';

/** An error in the seed 001 envelope's terms; `error` keeps seed 000 codes such as campaign_not_found. */
export interface RpcError {
  status: number;
  error: string;
  message: string;
  fields?: FieldError[];
  /** Extra facts about the error, e.g. `{ currentStatus: 'DRAFT' }` on an illegal lifecycle transition. */
  details?: Record<string, unknown>;
}

export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: RpcError };

export function rpcOk<T>(data: T): RpcReply<T> {
  return { ok: true, data };
}

export function rpcFail(
  status: number,
  error: string,
  message: string,
  fields?: FieldError[],
  details?: Record<string, unknown>,
): RpcReply<never> {
  return { ok: false, error: { status, error, message, ...(fields ? { fields } : {}), ...(details ? { details } : {}) } };
}

/**
 * The one 400 for invalid input, at the gateway's HTTP edge and in every service: a campaignId that
 * breaks its pattern gets seed 000's own code (`invalid_campaign_id`); anything else is
 * `validation_failed`. Both list every bad field.
 */
export function validationError(fields: FieldError[]): RpcError {
  if (fields.some((f) => f.field === 'campaignId' && f.code !== 'unknown_field' && f.code !== 'required')) {
    return { status: 400, error: 'invalid_campaign_id', message: `Campaign ID must match ${CAMPAIGN_ID_PATTERN.source}`, fields };
  }
  const count = new Set(fields.map((f) => f.field)).size;
  return { status: 400, error: 'validation_failed', message: `Validation failed for ${count} field${count === 1 ? '' : 's'}`, fields };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldError(v: unknown): v is FieldError {
  return isRecord(v) && typeof v.field === 'string' && typeof v.message === 'string' && typeof v.code === 'string';
}

function isRpcError(v: unknown): v is RpcError {
  return (
    isRecord(v) &&
    typeof v.status === 'number' &&
    Number.isInteger(v.status) &&
    v.status >= 400 &&
    v.status <= 599 &&
    typeof v.error === 'string' &&
    typeof v.message === 'string' &&
    (v.fields === undefined || (Array.isArray(v.fields) && v.fields.every(isFieldError))) &&
    (v.details === undefined || isRecord(v.details))
  );
}

/** Checks a reply from Kafka is an RpcReply before a caller trusts its status or data; null if it is not. */
export function parseRpcReply(raw: unknown): RpcReply<unknown> | null {
  if (!isRecord(raw)) return null;
  if (raw.ok === true && 'data' in raw) return { ok: true, data: raw.data };
  if (raw.ok === false && isRpcError(raw.error)) return { ok: false, error: raw.error };
  return null;
}

/**
 * A use case's Result as an RpcReply: each refusal's code gets its status from the service's one
 * table. A code missing from the table is a bug, answered 500 so it cannot pass as a client error.
 */
export function toRpcReply<T>(result: Result<T>, statusByCode: Readonly<Record<string, number>>): RpcReply<T> {
  if (result.ok) return { ok: true, data: result.value };
  const { code, message, fields, details } = result.error;
  const status = statusByCode[code];
  if (status === undefined) return rpcFail(500, 'internal_error', `No status is declared for the error ${code}.`);
  return rpcFail(status, code, message, fields, details);
}
