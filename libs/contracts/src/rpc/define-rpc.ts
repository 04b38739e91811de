import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { toFieldErrors } from '../kernel/field-error';
import { isRecord, RpcError, validationError } from './rpc-reply';

export type BodyClass<B extends object> = new () => B;

/**
 * One request-reply pattern: the request topic, the class its body is validated with (the same
 * class the gateway validates the HTTP input with) and, as a type only, what it answers.
 */
export interface RpcDeclaration<P extends string = string, B extends object = object, R = unknown> {
  readonly pattern: P;
  readonly body: BodyClass<B>;
  /** Never set: carries the reply type so a call's result is inferred from its declaration. */
  readonly reply?: R;
}

export type RpcBodyOf<D> = D extends RpcDeclaration<string, infer B, unknown> ? B : never;
export type RpcResultOf<D> = D extends RpcDeclaration<string, object, infer R> ? R : never;

/** `defineRpc('funnel.rpc.campaign.create', CreateCampaignBody)<CreateCampaignResult>()`. */
export function defineRpc<P extends string, B extends object>(pattern: P, body: BodyClass<B>): <R>() => RpcDeclaration<P, B, R> {
  return <R>() => ({ pattern, body }) as RpcDeclaration<P, B, R>;
}

/** The body of a request whose inputs are all in its params (path ids): `{}` only. */
export class EmptyBody {}

/** The answer to a body that is not a JSON object (`"x"`, `42`, `[]`). */
export const NOT_AN_OBJECT: RpcError = {
  status: 400,
  error: 'validation_failed',
  message: 'Request body must be a JSON object',
  fields: [{ field: 'body', message: 'body must be a JSON object', code: 'invalid_type' }],
};

export type Validated<T> = { ok: true; value: T } | { ok: false; error: RpcError };

/**
 * Validates a plain object with its class as the gateway's pipe does (whitelist, unknown fields
 * refused) and maps the errors with toFieldErrors and validationError. Null or absent is `{}`.
 */
export function validateInput<T extends object>(cls: BodyClass<T>, plain: unknown): Validated<T> {
  const input = plain === undefined || plain === null ? {} : plain;
  if (!isRecord(input)) {
    return { ok: false, error: NOT_AN_OBJECT };
  }
  const value = plainToInstance(cls, input);
  // forbidUnknownValues off: a class without fields (EmptyBody) must accept `{}`; whitelisting still refuses any field.
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  return errors.length === 0 ? { ok: true, value } : { ok: false, error: validationError(toFieldErrors(errors)) };
}
