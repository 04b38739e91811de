import { KafkaOptions, Transport } from '@nestjs/microservices';
import { parseBrokers } from './kafka';

/**
 * Options for Nest's Kafka transport, used for gateway → service request-reply.
 * Server side: `app.connectMicroservice(rpcTransport(...))`; client side: ClientsModule.
 */
export function rpcTransport(brokers: string, clientId: string, groupId: string): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: { clientId, brokers: parseBrokers(brokers), retry: { initialRetryTime: 200, retries: 8 } },
      consumer: { groupId, allowAutoTopicCreation: false, sessionTimeout: 30000, heartbeatInterval: 3000 },
      producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
      send: { acks: -1 },
      subscribe: { fromBeginning: false },
      run: { partitionsConsumedConcurrently: 1 },
    },
  };
}
