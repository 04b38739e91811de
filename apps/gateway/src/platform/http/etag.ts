import { CallHandler, createParamDecorator, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { IF_MATCH_PARAM } from '@funnel/contracts';
import { ApiException } from './api.exception';

/** `"7"`, `W/"7"` or a bare `7`: the aggregate version a read returned as its ETag. */
const VERSION_TAG = /^(?:W\/)?"?(\d{1,9})"?$/;

export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Reads If-Match into the RPC params (`ifMatch`). Absent or `*` puts no condition; a tag that
 * cannot be a version can never match, so it is a 412 at once (RFC 9110: the condition is false).
 */
export function ifMatchParams(header: string | string[] | undefined): Record<string, string> {
  if (header === undefined) return {};
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*' || value === '') return {};
  const version = VERSION_TAG.exec(value)?.[1];
  if (version === undefined) {
    throw new ApiException(412, 'precondition_failed', 'If-Match must be an ETag this API returned, such as "3"');
  }
  return { [IF_MATCH_PARAM]: String(Number(version)) };
}

export const IfMatch = createParamDecorator((_data: unknown, context: ExecutionContext): Record<string, string> =>
  ifMatchParams(context.switchToHttp().getRequest<FastifyRequest>().headers['if-match']),
);

/** Every campaign, link and rule reply carries its `version`; it becomes the ETag a later If-Match quotes. */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number' && Number.isInteger(version)) void reply.header('etag', etagOf(version));
        return body;
      }),
    );
  }
}
