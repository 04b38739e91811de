import { LoggerService } from '@nestjs/common';
import { RpcReply, rpcFail } from '@funnel/contracts';
import { ParsedRequest, parseRequest } from './rpc-request';

/**
 * Runs an RPC handler so that nothing is thrown across the transport: a bad request envelope
 * is a 400, an unexpected failure is logged and answered 500 (the gateway maps it).
 */
export async function handleRpc<T>(
  logger: LoggerService,
  pattern: string,
  raw: unknown,
  handler: (request: ParsedRequest) => Promise<RpcReply<T>>,
): Promise<RpcReply<T>> {
  const request = parseRequest(raw);
  if (!request.ok) return request.reply;
  try {
    return await handler(request.value);
  } catch (e) {
    logger.error(`${pattern} failed for handle ${request.value.handle} (request ${request.value.requestId}): ${(e as Error).stack ?? String(e)}`);
    return rpcFail(500, 'internal_error', 'The campaign service could not complete the request.');
  }
}
