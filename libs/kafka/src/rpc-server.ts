import { parseRpcRequest, ParsedRpcRequest, RpcDeclaration, RpcError, RpcReply } from '@funnel/contracts';

export interface RpcServeOptions {
  logger: { error(message: string): void };
  /** The answer to an unexpected failure (it is logged first); a 500 `internal_error` unless the service says otherwise. */
  onFailure?: RpcError;
  /** The answer to a body its class refuses, when the RPC does not answer 400 with the fields (a malformed token is just an invalid one). */
  invalidBody?: RpcError;
}

const INTERNAL_ERROR: RpcError = { status: 500, error: 'internal_error', message: 'The service could not complete the request.' };

/**
 * The server side of one RPC: parses and validates the request with its declaration
 * (parseRpcRequest), runs the handler, and never throws across the transport: an unexpected
 * failure is logged and answered with `onFailure`.
 */
export async function serveRpc<B extends object, R>(
  declaration: RpcDeclaration<string, B, R>,
  raw: unknown,
  handler: (request: ParsedRpcRequest<B>) => Promise<RpcReply<R>> | RpcReply<R>,
  options: RpcServeOptions,
): Promise<RpcReply<R>> {
  const parsed = parseRpcRequest(declaration, raw);
  if (!parsed.ok) return { ok: false, error: parsed.invalid === 'body' && options.invalidBody ? options.invalidBody : parsed.error };
  const { handle, requestId } = parsed.request;
  try {
    return await handler(parsed.request);
  } catch (e) {
    options.logger.error(`${declaration.pattern} failed for handle ${handle} (request ${requestId}): ${(e as Error)?.stack ?? String(e)}`);
    return { ok: false, error: options.onFailure ?? INTERNAL_ERROR };
  }
}
