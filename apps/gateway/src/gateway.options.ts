import type { GatewayEnv } from '@funnel/config';

export const GATEWAY_ENV = Symbol('GATEWAY_ENV');

export interface GatewayOptions {
  env: GatewayEnv;
  /**
   * Consumer group of the RPC reply consumer (Nest appends "-client"). Every gateway instance in
   * a group needs its own partition of each reply topic; tests use a group of their own.
   */
  rpcGroupId?: string;
}
