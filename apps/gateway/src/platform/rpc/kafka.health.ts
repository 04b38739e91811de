import type { HealthCheck } from '@funnel/observability';
import { createProbeKafka, KafkaConnection } from '@funnel/kafka';
import type { RpcClient } from './rpc.client';

/** Asks a broker for the cluster layout; no retries, so a down broker shows within the health timeout. */
export function kafkaHealthCheck(connection: KafkaConnection): HealthCheck {
  const kafka = createProbeKafka(connection, 'gateway-health');
  return {
    name: 'kafka',
    async check() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.describeCluster();
      } finally {
        await admin.disconnect();
      }
    },
  };
}

/** The gateway can only receive replies on partitions assigned to it; without them every call fails. */
export function rpcRepliesHealthCheck(rpc: RpcClient): HealthCheck {
  return {
    name: 'rpc-replies',
    async check() {
      if (!rpc.hasReplyPartitions()) throw new Error('no partition of the RPC reply topics is assigned to this instance');
    },
  };
}
