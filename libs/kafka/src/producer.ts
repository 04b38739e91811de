import { Kafka, Partitioners, Producer, IHeaders } from 'kafkajs';
import { Envelope } from '@funnel/contracts';

export interface OutgoingMessage {
  key: string | null;
  value: string | null;
  headers?: IHeaders;
}

/**
 * Idempotent producer with acks=all: the broker de-duplicates retried batches, and a send
 * resolves only once every in-sync replica has the messages. One request in flight keeps
 * per-partition order across retries.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on('producer.disconnect', () => {
      this.connected = false;
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
    this.connected = false;
  }

  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({ topic, acks: -1, messages });
  }

  async publish<T>(topic: string, key: string, envelope: Envelope<T>): Promise<void> {
    await this.send(topic, [{ key, value: JSON.stringify(envelope), headers: { 'event-type': envelope.type } }]);
  }
}
