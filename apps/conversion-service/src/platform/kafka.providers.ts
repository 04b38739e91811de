import { OnApplicationShutdown, Provider } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { createKafka, ensureTopics, EventProducer } from '@funnel/kafka';
import { ConversionServiceOptions, SERVICE, SERVICE_OPTIONS } from './service-options';

export const KAFKA = Symbol('KAFKA');

/** The Kafka client, created once the topics exist (consumers subscribe without auto-creation). */
export const kafkaProvider: Provider = {
  provide: KAFKA,
  inject: [SERVICE_OPTIONS],
  useFactory: async (options: ConversionServiceOptions): Promise<Kafka> => {
    const kafka = createKafka(options.env, SERVICE);
    await ensureTopics(kafka);
    return kafka;
  },
};

/** The producer the outbox relay publishes through; disconnected last, after the relay stopped. */
export class Producer extends EventProducer implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await this.disconnect().catch(() => undefined);
  }
}

export const producerProvider: Provider = {
  provide: Producer,
  inject: [KAFKA],
  useFactory: async (kafka: Kafka): Promise<Producer> => {
    const producer = new Producer(kafka);
    await producer.connect();
    return producer;
  },
};
