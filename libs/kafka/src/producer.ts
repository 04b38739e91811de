import { Kafka, Partitioners, Producer, IHeaders } from 'kafkajs';
import { Envelope } from '@funnel/contracts';

export interface OutgoingMessage {
  key: string | null;
  value: string | null;
  headers?: IHeaders;
}

/** Key and value bytes per produce request; half the broker's default limit leaves room for overhead. */
export const MAX_REQUEST_BYTES = 512 * 1024;

const sizeOf = (m: OutgoingMessage) => (m.key === null ? 0 : Buffer.byteLength(m.key)) + (m.value === null ? 0 : Buffer.byteLength(m.value));

/** The messages cut into consecutive requests of at most MAX_REQUEST_BYTES (a larger message alone). */
export function requestsOf(messages: OutgoingMessage[], maxBytes = MAX_REQUEST_BYTES): OutgoingMessage[][] {
  const requests: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (current.length > 0 && bytes + size > maxBytes) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
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

  /**
   * Sends in order, in requests of at most MAX_REQUEST_BYTES of keys and values each: the messages
   * of one request to one partition form one record batch, which the broker refuses whole above
   * its max.message.bytes (1 MiB by default), so an unbounded request of many small messages could
   * never be delivered. A failure rejects with the requests before it delivered; callers retry the
   * whole list and consumers dedupe by event id, as for any retried produce.
   */
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    for (const request of requestsOf(messages)) await this.producer.send({ topic, acks: -1, messages: request });
  }

  async publish<T>(topic: string, key: string, envelope: Envelope<T>): Promise<void> {
    await this.send(topic, [{ key, value: JSON.stringify(envelope), headers: { 'event-type': envelope.type } }]);
  }
}
