import { ClickRecordedV1 } from '@funnel/contracts';
import type { EventProducer } from '@funnel/kafka';
import type { ClickMessage, ClickPublisher } from './click-sink';

/** Produces click batches (to TOPICS.clicks unless a benchmark names another topic) with the idempotent, acks=all producer. */
export class KafkaClickPublisher implements ClickPublisher {
  constructor(
    private readonly producer: EventProducer,
    private readonly topic: string,
  ) {}

  async publish(batch: readonly ClickMessage[]): Promise<void> {
    // A producer that lost its connection is reconnected here rather than failing every later batch.
    if (!this.producer.isConnected) await this.producer.connect();
    await this.producer.send(
      this.topic,
      batch.map((c) => ({ key: c.key, value: JSON.stringify(c.envelope), headers: { 'event-type': ClickRecordedV1.type } })),
    );
  }
}
