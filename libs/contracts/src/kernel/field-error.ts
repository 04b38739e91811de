import type { ValidationError } from 'class-validator';

/** One invalid input field as every API face reports it: `{ field, message, code }`. */
export interface FieldError {
  field: string;
  message: string;
  /** snake_case: the class-validator constraint name (`is_in`, `matches`), or one of CODE_BY_CONSTRAINT, or `required`. */
  code: string;
}

/** class-validator constraint names → codes, where the generic snake_case form would be unclear. */
const CODE_BY_CONSTRAINT: Record<string, string> = {
  whitelistValidation: 'unknown_field',
  unknownValue: 'invalid_type',
  nestedValidation: 'invalid_type',
};

const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * The one mapping of class-validator errors to field errors, used by the gateway's HTTP pipe and by
 * every service's RPC validation: nested fields as `parent.child`, a missing value as `required`,
 * every other constraint by its snake_case name.
 */
export function toFieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = [prefix, e.property].filter(Boolean).join('.') || 'body';
    const constraints = Object.entries(e.constraints ?? {});
    const own: FieldError[] =
      (e.value === undefined || e.value === null) && constraints.length && !e.constraints?.whitelistValidation
        ? [{ field, message: `${field} is required`, code: 'required' }]
        : constraints.map(([name, message]) => ({ field, message, code: CODE_BY_CONSTRAINT[name] ?? snakeCase(name) }));
    return [...own, ...toFieldErrors(e.children ?? [], field === 'body' ? '' : field)];
  });
}
