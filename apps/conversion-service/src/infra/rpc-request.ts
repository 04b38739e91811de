import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { FieldError, HANDLE_PATTERN, RpcReply, rpcFail } from '@funnel/contracts';

export interface ParsedRequest<B> {
  handle: string;
  requestId: string;
  params: Record<string, string>;
  body: B;
}

export type ParseOutcome<B> = { ok: true; request: ParsedRequest<B> } | { ok: false; reply: RpcReply<never> };

function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([code, message]) => ({ field, message, code }));
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Re-validates what the gateway sent: the tenant, the params as strings, and the body against the
 * same DTO class the gateway used (a service never trusts its caller's validation).
 */
export async function parseRpcRequest<B extends object>(raw: unknown, Body: new () => B): Promise<ParseOutcome<B>> {
  if (!isRecord(raw) || typeof raw.handle !== 'string' || !HANDLE_PATTERN.test(raw.handle)) {
    return { ok: false, reply: rpcFail(400, 'invalid_request', 'request must carry a valid handle') };
  }
  const params: Record<string, string> = {};
  if (isRecord(raw.params)) {
    for (const [k, v] of Object.entries(raw.params)) if (typeof v === 'string') params[k] = v;
  }
  const rawBody = raw.body === undefined || raw.body === null ? {} : raw.body;
  if (!isRecord(rawBody)) {
    return { ok: false, reply: rpcFail(400, 'validation_failed', 'body must be a JSON object', [{ field: 'body', message: 'body must be a JSON object', code: 'isObject' }]) };
  }
  const body = plainToInstance(Body, rawBody);
  // forbidUnknownValues off: a body class without fields (path-only requests) must accept `{}`; whitelisting still refuses any field.
  const errors = await validate(body, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  if (errors.length) {
    const fields = fieldErrors(errors);
    return { ok: false, reply: rpcFail(400, 'validation_failed', fields.map((f) => f.message).join('; '), fields) };
  }
  return {
    ok: true,
    request: { handle: raw.handle, requestId: typeof raw.requestId === 'string' ? raw.requestId : '', params, body },
  };
}
