import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { NOT_AN_OBJECT, toFieldErrors, validationError } from '@funnel/contracts';
import { ApiException } from './api.exception';

/**
 * One 400 for every invalid input. A campaignId that breaks its pattern gets the seed's own code
 * (`invalid_campaign_id`); everything else is `validation_failed`. Both list every bad field.
 */
export function validationException(errors: ValidationError[]): ApiException {
  return ApiException.fromRpcError(validationError(toFieldErrors(errors)));
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
      throw ApiException.fromRpcError(NOT_AN_OBJECT);
    }
    return super.transform(value, metadata);
  }
}
