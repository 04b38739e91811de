import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { CAMPAIGN_ID_PATTERN, FieldError } from '@funnel/contracts';
import { ApiException } from './api.exception';

/** class-validator constraint names → wire codes, where the generic snake_case form would be unclear. */
const CODE_BY_CONSTRAINT: Record<string, string> = {
  whitelistValidation: 'unknown_field',
  unknownValue: 'invalid_type',
  nestedValidation: 'invalid_type',
};

const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Flattens class-validator errors (nested ones as `parent.child`) into the envelope's `fields`. */
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

/**
 * One 400 for every invalid input. A campaignId that breaks its pattern gets the seed's own code
 * (`invalid_campaign_id`); everything else is `validation_failed`. Both list every bad field.
 */
export function validationException(errors: ValidationError[]): ApiException {
  const fields = toFieldErrors(errors);
  if (fields.some((f) => f.field === 'campaignId' && f.code !== 'unknown_field' && f.code !== 'required')) {
    return new ApiException(400, 'invalid_campaign_id', `Campaign ID must match ${CAMPAIGN_ID_PATTERN.source}`, fields);
  }
  const count = new Set(fields.map((f) => f.field)).size;
  return new ApiException(400, 'validation_failed', `Validation failed for ${count} field${count === 1 ? '' : 's'}`, fields);
}

/**
 * The global strict pipe. It also refuses a JSON body that is not an object (`"x"`, `42`, `[]`),
 * which Nest's ValidationPipe would otherwise pass through unvalidated.
 */
@Injectable()
export class GatewayValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: validationException });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = typeof metadata.metatype === 'function' && metadata.type !== 'custom';
    if (isDto && metadata.type === 'body' && value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new ApiException(400, 'validation_failed', 'Request body must be a JSON object', [
        { field: 'body', message: 'body must be a JSON object', code: 'invalid_type' },
      ]);
    }
    return super.transform(value, metadata);
  }
}
