import { LoggerService } from '@nestjs/common';
import { ParsedRpcRequest, Result, RpcDeclaration, RpcReply, toRpcReply } from '@funnel/contracts';
import { RpcServeOptions, serveRpc } from '@funnel/kafka';

/** The transport status of every refusal the campaign-service's use cases answer with (their codes are the API's `error`). */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  validation_failed: 400,
  invalid_campaign_id: 400,
  invalid_slug: 400,
  invalid_rule_id: 400,
  invalid_cursor: 400,
  invalid_primary_link: 400,
  invalid_token: 401,
  campaign_not_found: 404,
  link_not_found: 404,
  rule_not_found: 404,
  token_not_found: 404,
  campaign_conflict: 409,
  invalid_transition: 409,
  write_conflict: 409,
  limit_exceeded: 409,
  precondition_failed: 412,
};

/**
 * One campaign-service RPC: the request checked with its declaration, the use case run, its
 * Result mapped to an RpcReply with STATUS_BY_CODE; nothing is thrown across the transport.
 */
export function serve<B extends object, R>(
  logger: LoggerService,
  declaration: RpcDeclaration<string, B, R>,
  raw: unknown,
  handler: (request: ParsedRpcRequest<B>) => Promise<Result<R>>,
  options: Pick<RpcServeOptions, 'invalidBody'> = {},
): Promise<RpcReply<R>> {
  return serveRpc(declaration, raw, async (request) => toRpcReply(await handler(request), STATUS_BY_CODE), {
    ...options,
    logger: { error: (message: string) => logger.error(message) },
    onFailure: { status: 500, error: 'internal_error', message: 'The campaign service could not complete the request.' },
  });
}
