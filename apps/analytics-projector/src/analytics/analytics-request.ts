import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AnalyticsQuery, AnalyticsView, HANDLE_PATTERN, resolveAnalyticsQuery, rpcFail } from '@funnel/contracts';
import { Checked, fieldErrors } from '../funnel/funnel-request';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface AnalyticsRequest<V extends AnalyticsView['view']> {
  handle: string;
  requestId: string;
  view: Extract<AnalyticsView, { view: V }>;
}

/**
 * Checks an RpcRequest<AnalyticsQuery> from the gateway with the same DTO and the same
 * `resolveAnalyticsQuery` as the gateway, and that it asks for the view this RPC answers.
 */
export function parseAnalyticsRequest<V extends AnalyticsView['view']>(raw: unknown, expected: V, now: Date = new Date()): Checked<AnalyticsRequest<V>> {
  if (!isRecord(raw)) return { ok: false, reply: rpcFail(400, 'invalid_request', 'Request must be an object.') };
  const { handle, requestId, body } = raw;
  if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) {
    return { ok: false, reply: rpcFail(400, 'invalid_handle', 'Handle must match ^[a-z0-9][a-z0-9_-]{1,63}$.') };
  }
  const plain = body === undefined || body === null ? {} : body;
  if (!isRecord(plain)) return { ok: false, reply: rpcFail(400, 'validation_failed', 'Body must be a JSON object.') };
  const query = plainToInstance(AnalyticsQuery, plain);
  const errors = validateSync(query, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const fields = fieldErrors(errors);
    if (fields.some((f) => f.field === 'campaignId' && f.code !== 'whitelistValidation')) {
      return { ok: false, reply: rpcFail(400, 'invalid_campaign_id', 'Campaign ID does not match required pattern ^[a-z0-9][a-z0-9_-]{2,63}$.', fields) };
    }
    return { ok: false, reply: rpcFail(400, 'validation_failed', 'Request body is invalid.', fields) };
  }
  const resolved = resolveAnalyticsQuery(query, now);
  if (!resolved.ok) return { ok: false, reply: rpcFail(400, 'validation_failed', 'Request body is invalid.', resolved.fields) };
  if (resolved.value.view !== expected) {
    return { ok: false, reply: rpcFail(400, 'validation_failed', `This RPC answers the ${expected} view only.`) };
  }
  return {
    ok: true,
    value: {
      handle,
      requestId: typeof requestId === 'string' ? requestId.slice(0, 128) : '',
      view: resolved.value as Extract<AnalyticsView, { view: V }>,
    },
  };
}
