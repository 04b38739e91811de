import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { FieldError, FunnelQuery, HANDLE_PATTERN, RpcReply, rpcFail } from '@funnel/contracts';

export type Checked<T> = { ok: true; value: T } | { ok: false; reply: RpcReply<never> };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([code, message]) => ({ field, message, code }));
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

export interface FunnelRequest {
  handle: string;
  requestId: string;
  campaignId?: string;
}

/**
 * Checks an RpcRequest<FunnelQuery> from the gateway: the tenant handle, then the body with the
 * gateway's own DTO. `funnel=true` is implied when absent (the RPC only answers funnels); other
 * query fields the gateway may pass along are ignored.
 */
export function parseFunnelRequest(raw: unknown): Checked<FunnelRequest> {
  if (!isRecord(raw)) return { ok: false, reply: rpcFail(400, 'invalid_request', 'Request must be an object.') };
  const { handle, requestId, body } = raw;
  if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) {
    return { ok: false, reply: rpcFail(400, 'invalid_handle', 'Handle must match ^[a-z0-9][a-z0-9_-]{1,63}$.') };
  }
  const plain = body === undefined || body === null ? {} : body;
  if (!isRecord(plain)) return { ok: false, reply: rpcFail(400, 'validation_failed', 'Body must be a JSON object.') };
  const query = plainToInstance(FunnelQuery, { funnel: 'true', ...plain });
  const errors = validateSync(query, { whitelist: true });
  if (errors.length > 0) {
    const fields = fieldErrors(errors);
    if (fields.some((f) => f.field === 'campaignId')) {
      return { ok: false, reply: rpcFail(400, 'invalid_campaign_id', 'Campaign ID does not match required pattern ^[a-z0-9][a-z0-9_-]{2,63}$.', fields) };
    }
    return { ok: false, reply: rpcFail(400, 'validation_failed', 'Request body is invalid.', fields) };
  }
  return {
    ok: true,
    value: {
      handle,
      requestId: typeof requestId === 'string' ? requestId.slice(0, 128) : '',
      ...(query.campaignId !== undefined ? { campaignId: query.campaignId } : {}),
    },
  };
}
