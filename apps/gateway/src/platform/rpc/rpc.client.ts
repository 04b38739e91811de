import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import type { GatewayEnv } from '@funnel/config';
import { parseRpcReply, RPC, RpcBodyOf, RpcDeclaration, RpcRequest, RpcResultOf } from '@funnel/contracts';
import { createKafka, ensureTopics } from '@funnel/kafka';
import type { Caller } from '../../auth/caller.decorator';
import { ApiException } from '../http/api.exception';
import { GATEWAY_ENV, RPC_TOPIC_PREFIX } from '../gateway.options';

export const KAFKA_RPC_CLIENT = Symbol('KAFKA_RPC_CLIENT');

const ASSIGNMENT_WAIT_MS = 30000;

/**
 * Sends commands and queries to the owning services over Kafka request-reply and turns their
 * RpcReply into data or an ApiException. A reply that does not come in time is a 504; a broker
 * that cannot take the request is a 503; a reply that is not an RpcReply is a 502.
 */
@Injectable()
export class RpcClient implements OnModuleInit {
  private readonly logger = new Logger('rpc');
  private readonly prefix: string;
  private readonly replyTopics: string[];

  constructor(
    @Inject(KAFKA_RPC_CLIENT) private readonly client: ClientKafka,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
    @Optional() @Inject(RPC_TOPIC_PREFIX) prefix?: string,
  ) {
    this.prefix = prefix ?? '';
    this.replyTopics = Object.values(RPC).map((pattern) => `${this.prefix}${pattern}.reply`);
  }

  async onModuleInit(): Promise<void> {
    await ensureTopics(createKafka(this.env, 'gateway-admin'));
    for (const pattern of Object.values(RPC)) this.client.subscribeToResponseOf(`${this.prefix}${pattern}`);
    await this.client.connect();
    await this.waitForReplyPartitions();
  }

  /**
   * True once the reply consumer owns the reply topics. Each instance reads them in a consumer
   * group of its own (rpcClientTransport), so this holds with any number of gateway instances.
   */
  hasReplyPartitions(): boolean {
    const assigned = this.client.getConsumerAssignments();
    return this.replyTopics.every((topic) => assigned[topic] !== undefined);
  }

  /**
   * Nest's client can only send once its reply consumer has joined the group; until then every
   * request would fail. Boot waits here so the gateway never listens without a way back.
   */
  private async waitForReplyPartitions(): Promise<void> {
    const deadline = Date.now() + ASSIGNMENT_WAIT_MS;
    while (!this.hasReplyPartitions()) {
      if (Date.now() > deadline) {
        throw new Error(
          `no partition of the RPC reply topics was assigned within ${ASSIGNMENT_WAIT_MS} ms; ` +
            'is the broker reachable and are the RPC topics created (npm run migrate)?',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Sends one request of a declared pattern: the body must be of the pattern's body class and the
   * answer is typed by its declaration. `options.timeoutMs` shortens the wait for optional answers
   * (e.g. a health detail another service may not offer yet).
   */
  async call<D extends RpcDeclaration>(
    rpc: D,
    caller: Caller,
    params: Record<string, string>,
    body: RpcBodyOf<D>,
    options: { timeoutMs?: number } = {},
  ): Promise<RpcResultOf<D>> {
    const { pattern } = rpc;
    const request: RpcRequest<object> = { handle: caller.handle, requestId: caller.requestId, actor: caller.actor, params, body };
    const started = Date.now();
    const waitMs = options.timeoutMs ?? this.env.RPC_TIMEOUT_MS;
    let raw: unknown;
    try {
      raw = await firstValueFrom(this.client.send<unknown, RpcRequest<object>>(`${this.prefix}${pattern}`, request).pipe(timeout({ first: waitMs })));
    } catch (e) {
      throw this.transportFailure(pattern, caller.requestId, e, Date.now() - started, waitMs);
    }
    const reply = parseRpcReply(raw);
    const durationMs = Date.now() - started;
    if (reply === null) {
      this.logger.error({ event: 'rpc_bad_reply', pattern, requestId: caller.requestId, durationMs });
      throw new ApiException(502, 'bad_gateway', 'Upstream service sent an invalid reply');
    }
    this.logger.debug({ event: 'rpc', pattern, requestId: caller.requestId, durationMs, status: reply.ok ? 'ok' : reply.error.status });
    if (!reply.ok) throw ApiException.fromRpcError(reply.error);
    // The reply's shape is the answering service's contract (its declaration); only the envelope is checked here.
    return reply.data as RpcResultOf<D>;
  }

  private transportFailure(pattern: string, requestId: string, e: unknown, durationMs: number, waitMs: number): ApiException {
    if (e instanceof TimeoutError) {
      this.logger.warn({ event: 'rpc_timeout', pattern, requestId, durationMs });
      return new ApiException(504, 'upstream_timeout', `Upstream service did not answer within ${waitMs} ms`);
    }
    if (e instanceof Error) {
      // Kafka itself failed: the producer could not send, or no reply partition is assigned to us.
      this.logger.error({ event: 'rpc_unavailable', pattern, requestId, durationMs, error: e.message });
      return new ApiException(503, 'upstream_unavailable', 'Upstream service temporarily unavailable. Please retry later');
    }
    // The responder threw instead of replying with an RpcReply; Nest forwards its error object.
    this.logger.error({ event: 'rpc_upstream_error', pattern, requestId, durationMs, error: safeJson(e) });
    return new ApiException(502, 'bad_gateway', 'Upstream service failed to process the request');
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
