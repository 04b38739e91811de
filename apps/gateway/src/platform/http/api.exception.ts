import { HttpException } from '@nestjs/common';
import type { FieldError, RpcError } from '@funnel/contracts';

/**
 * An error with its wire code already decided (`campaign_not_found`, `validation_failed`, ...).
 * The error filter renders it in the one envelope; anything else is mapped there by status.
 */
export class ApiException extends HttpException {
  constructor(
    status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: FieldError[],
    /** Extra response headers, e.g. WWW-Authenticate on a 401. */
    readonly headers: Record<string, string> = {},
    /** Extra facts for the client, e.g. `{ currentStatus: 'DRAFT' }` on an illegal transition. */
    readonly details?: Record<string, unknown>,
  ) {
    super({ error: errorCode, message, ...(fields ? { fields } : {}) }, status);
  }

  /** The error a service answered (or the kit's validation produced), rendered in the envelope as is. */
  static fromRpcError(error: RpcError): ApiException {
    return new ApiException(error.status, error.error, error.message, error.fields, {}, error.details);
  }

  static unauthorized(message: string): ApiException {
    return new ApiException(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer' });
  }

  static forbidden(message: string): ApiException {
    return new ApiException(403, 'forbidden', message);
  }

  static notFound(message = 'Resource not found'): ApiException {
    return new ApiException(404, 'not_found', message);
  }
}
