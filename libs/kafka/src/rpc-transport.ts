import { KafkaOptions, Transport } from '@nestjs/microservices';
import { KafkaConnection, kafkaConnectionOptions } from './kafka';

/**
 * Options for Nest's Kafka transport, used for gateway → service request-reply.
 * Server side: `app.connectMicroservice(rpcTransport(...))`; client side: ClientsModule.
 */
export function rpcTransport(connection: KafkaConnection, clientId: string, groupId: string): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: { clientId, ...kafkaConnectionOptions(connection), retry: { initialRetryTime: 200, retries: 8 } },
      consumer: { groupId, allowAutoTopicCreation: false, sessionTimeout: 30000, heartbeatInterval: 3000 },
      producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
      send: { acks: -1 },
      subscribe: { fromBeginning: false },
      run: { partitionsConsumedConcurrently: 1 },
    },
  };
}
