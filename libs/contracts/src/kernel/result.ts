import type { FieldError } from './field-error';

/**
 * What a use case answers when it refuses: a stable snake_case code (the API's `error`), a message
 * for people, and the fields or facts behind it. No transport status: each controller maps codes
 * to its transport (an RpcReply status, an HTTP status) in one table.
 */
export interface DomainError {
  code: string;
  message: string;
  fields?: FieldError[];
  /** Extra facts, e.g. `{ currentStatus: 'DRAFT' }` on an illegal lifecycle transition. */
  details?: Record<string, unknown>;
}

export type Success<T> = { ok: true; value: T };
export type Failure = { ok: false; error: DomainError };
export type Result<T> = Success<T> | Failure;

export function ok<T>(value: T): Success<T> {
  return { ok: true, value };
}

export function fail(code: string, message: string, fields?: FieldError[], details?: Record<string, unknown>): Failure {
  return { ok: false, error: { code, message, ...(fields ? { fields } : {}), ...(details ? { details } : {}) } };
}
