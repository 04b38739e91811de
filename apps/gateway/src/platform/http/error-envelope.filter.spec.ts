import 'reflect-metadata';
import { ArgumentsHost, BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { ApiException } from './api.exception';
import { ErrorEnvelopeFilter, errorEnvelope, toApiError } from './error-envelope.filter';

function fakeHost(headers: Record<string, string> = {}, requestId = '') {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    headers(h: Record<string, string>) {
      Object.assign(sent.headers, h);
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const request = { headers, requestId, transportError: null as Error | null };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
  return { host, sent, request };
}

describe('toApiError', () => {
  it('keeps the code, message and fields of an ApiException', () => {
    const fields = [{ field: 'goalType', message: 'goalType is required', code: 'required' }];
    expect(toApiError(new ApiException(400, 'validation_failed', 'Validation failed for 1 field', fields))).toEqual({
      status: 400,
      error: 'validation_failed',
      message: 'Validation failed for 1 field',
      fields,
    });
    expect(toApiError(new ApiException(404, 'campaign_not_found', 'Campaign not found'))).toEqual({
      status: 404,
      error: 'campaign_not_found',
      message: 'Campaign not found',
    });
  });

  it('maps framework exceptions by status', () => {
    expect(toApiError(new NotFoundException('Cannot GET /nope'))).toEqual({ status: 404, error: 'not_found', message: 'Cannot GET /nope' });
    expect(toApiError(new HttpException('Unsupported Media Type: text/plain', 415))).toMatchObject({ status: 415, error: 'unsupported_media_type' });
  });

  it('calls a JSON parse failure malformed_json', () => {
    const parseError = Object.assign(new SyntaxError('Unexpected token } in JSON'), { statusCode: 400 });
    expect(toApiError(new BadRequestException(parseError.message), parseError)).toEqual({
      status: 400,
      error: 'malformed_json',
      message: 'Request body is not valid JSON',
    });
  });

  it('hides the details of unexpected errors', () => {
    expect(toApiError(new Error('db password is hunter2'))).toEqual({
      status: 500,
      error: 'internal_error',
      message: 'An unexpected error occurred. Please try again later',
    });
    expect(toApiError('a string was thrown')).toMatchObject({ status: 500, error: 'internal_error' });
  });
});

describe('errorEnvelope', () => {
  it('has the seed 001 shape', () => {
    const now = new Date('2026-02-25T12:34:56.000Z');
    expect(errorEnvelope({ status: 403, error: 'forbidden', message: 'no' }, 'req-1', now)).toEqual({
      success: false,
      error: 'forbidden',
      message: 'no',
      meta: { timestamp: '2026-02-25T12:34:56.000Z', requestId: 'req-1' },
    });
  });
});

describe('ErrorEnvelopeFilter', () => {
  const filter = new ErrorEnvelopeFilter();

  it('sends status, envelope, the request id header and extra headers', () => {
    const { host, sent } = fakeHost({}, 'req-42');
    filter.catch(ApiException.unauthorized('Token has expired'), host);
    expect(sent.status).toBe(401);
    expect(sent.headers).toEqual({ 'x-request-id': 'req-42', 'www-authenticate': 'Bearer' });
    expect(sent.body).toEqual({
      success: false,
      error: 'unauthorized',
      message: 'Token has expired',
      meta: { timestamp: expect.any(String), requestId: 'req-42' },
    });
  });

  it('gives a request that never got an id one, echoing a sane header', () => {
    const { host, sent, request } = fakeHost({ 'x-request-id': 'client-id-1' });
    filter.catch(new NotFoundException(), host);
    expect(request.requestId).toBe('client-id-1');
    expect(sent.headers['x-request-id']).toBe('client-id-1');
    expect((sent.body as { meta: { requestId: string } }).meta.requestId).toBe('client-id-1');
  });
});
