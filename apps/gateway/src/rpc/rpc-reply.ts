import type { FieldError, RpcError, RpcReply } from '@funnel/contracts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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

/** Checks a reply from Kafka is an RpcReply before the gateway trusts its status or data; null if it is not. */
export function parseRpcReply(raw: unknown): RpcReply<unknown> | null {
  if (!isRecord(raw)) return null;
  if (raw.ok === true && 'data' in raw) return { ok: true, data: raw.data };
  if (raw.ok === false && isRpcError(raw.error)) return { ok: false, error: raw.error };
  return null;
}
