import { randomUUID } from 'node:crypto';
import { KafkaOptions, Transport } from '@nestjs/microservices';
import { KafkaConnection, kafkaConnectionOptions, RPC_REQUEST_PARTITIONS } from './kafka';

/**
 * How long the group waits for a silent member (a SIGKILLed instance) before handing its request
 * partitions to the others. Requests on those partitions wait that long (the gateway answers 504
 * once RPC_TIMEOUT_MS passes; a retried command is idempotent). Heartbeats go out between
 * messages, so no RPC handler may block for this long.
 */
export const RPC_SESSION_TIMEOUT_MS = 10000;
const RPC_HEARTBEAT_INTERVAL_MS = 1000;

/**
 * Options for Nest's Kafka transport, used for gateway → service request-reply.
 * Server side: `app.connectMicroservice(rpcTransport(...))`: the instances of a service share
 * `groupId` and so split the request partitions. Client side (the gateway): see rpcClientTransport.
 */
export function rpcTransport(connection: KafkaConnection, clientId: string, groupId: string): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: { clientId, ...kafkaConnectionOptions(connection), retry: { initialRetryTime: 200, retries: 8 } },
      consumer: {
        groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: RPC_SESSION_TIMEOUT_MS,
        heartbeatInterval: RPC_HEARTBEAT_INTERVAL_MS,
      },
      producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
      send: { acks: -1 },
      subscribe: { fromBeginning: false },
      // Requests are independent (no order between them), so an instance works on each of its
      // request partitions at once: one slow call does not queue the others behind it, and an
      // instance that takes over a dead one's partitions drains their backlog in parallel.
      run: { partitionsConsumedConcurrently: RPC_REQUEST_PARTITIONS },
    },
  };
}

/**
 * The gateway's side. Nest's ClientKafka stamps each request with one partition of the reply
 * topic it owns and matches replies by correlation id, dropping ids it did not send. So each
 * gateway instance reads the reply topics in a consumer group of its own (`<groupPrefix>-<uuid>`):
 * it owns every reply partition whatever the number of instances, and keeps only its own replies.
 * Nothing is committed: a fresh group starts at the end of the topics, and the broker drops a group
 * with no offsets once its instance has stopped.
 */
export function rpcClientTransport(connection: KafkaConnection, clientId: string, groupPrefix: string): KafkaOptions {
  const base = rpcTransport(connection, clientId, `${groupPrefix}-${randomUUID()}`);
  return { ...base, options: { ...base.options, run: { ...base.options?.run, autoCommit: false } } };
}
