import type { GatewayEnv } from '@funnel/config';

export const GATEWAY_ENV = Symbol('GATEWAY_ENV');
export const RPC_TOPIC_PREFIX = Symbol('RPC_TOPIC_PREFIX');
export const RATE_LIMIT_KEY_PREFIX = Symbol('RATE_LIMIT_KEY_PREFIX');

export interface GatewayOptions {
  env: GatewayEnv;
  /**
   * Prefix of the RPC reply consumer's group: each instance reads the replies in a group of its
   * own, `<prefix>-<uuid>` (Nest appends "-client"); see rpcClientTransport.
   */
  rpcGroupId?: string;
  /**
   * Prepended to every RPC topic. Empty in production; an in-process test uses its own so the
   * services of a stack sharing the broker never answer its requests.
   */
  rpcTopicPrefix?: string;
  /**
   * Prepended to the Redis keys of shared limits (`funnel:` in production). Every gateway instance
   * of one deployment must use the same; a test uses its own so other runs do not share its counts.
   */
  rateLimitKeyPrefix?: string;
}
