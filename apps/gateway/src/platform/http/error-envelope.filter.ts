import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '@funnel/contracts';
import { ApiException } from './api.exception';
import { resolveRequestId } from './request-id';
import { REQUEST_ID_HEADER } from './request-state';

/** The one error shape of the API (seed 001). */
export interface ErrorEnvelope {
  success: false;
  error: string;
  message: string;
  fields?: FieldError[];
  details?: Record<string, unknown>;
  meta: { timestamp: string; requestId: string };
}

export interface ApiError {
  status: number;
  error: string;
  message: string;
  fields?: FieldError[];
  headers?: Record<string, string>;
  details?: Record<string, unknown>;
}

/** Codes for errors that did not come with one (framework errors, unknown routes, ...). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

const INTERNAL: ApiError = {
  status: 500,
  error: 'internal_error',
  message: 'An unexpected error occurred. Please try again later',
};

/**
 * Decides status, code and message for anything thrown while serving a request. `transportError`
 * is what Fastify raised before Nest saw it (Nest turns a JSON SyntaxError into a bare 400).
 */
export function toApiError(exception: unknown, transportError: Error | null = null): ApiError {
  if (exception instanceof ApiException) {
    return {
      status: exception.getStatus(),
      error: exception.errorCode,
      message: exception.message,
      ...(exception.fields ? { fields: exception.fields } : {}),
      ...(Object.keys(exception.headers).length ? { headers: exception.headers } : {}),
      ...(exception.details ? { details: exception.details } : {}),
    };
  }
  if (transportError && isMalformedJson(transportError)) {
    return { status: 400, error: 'malformed_json', message: 'Request body is not valid JSON' };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500) return status === 500 ? INTERNAL : { status, error: CODE_BY_STATUS[status] ?? 'server_error', message: exception.message };
    return { status, error: CODE_BY_STATUS[status] ?? 'client_error', message: messageOf(exception) };
  }
  return INTERNAL;
}

function isMalformedJson(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return error instanceof SyntaxError || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_JSON_BODY';
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}

export function errorEnvelope(error: ApiError, requestId: string, now = new Date()): ErrorEnvelope {
  return {
    success: false,
    error: error.error,
    message: error.message,
    ...(error.fields ? { fields: error.fields } : {}),
    ...(error.details ? { details: error.details } : {}),
    meta: { timestamp: now.toISOString(), requestId },
  };
}

/** Renders every error, from guards, pipes, handlers, unknown routes or body parsing, in the seed 001 envelope. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = toApiError(exception, request.transportError ?? null);
    // The onRequest hook normally set it; a request that failed before the hook still gets one.
    request.requestId ||= resolveRequestId(request.headers[REQUEST_ID_HEADER]);
    // Upstream failures were logged where they happened; anything else that ends in a 5xx is a bug to see.
    if (error.status >= 500 && !(exception instanceof ApiException)) {
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error({ event: 'request_failed', requestId: request.requestId, status: error.status, error: error.error, detail });
    }
    void reply
      .status(error.status)
      .headers({ ...(error.headers ?? {}), [REQUEST_ID_HEADER]: request.requestId })
      .send(errorEnvelope(error, request.requestId));
  }
}
