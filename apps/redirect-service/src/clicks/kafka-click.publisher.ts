import { ClickRecordedV1, encodeEventBatch, Envelope, MAX_BATCHED_EVENTS } from '@funnel/contracts';
import type { EventProducer } from '@funnel/kafka';
import type { ClickMessage, ClickTransport } from './click-sink';

export interface BatchedClickRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * The Kafka records of a batch of clicks: one per key (`${handle}/${campaignId}`, so a campaign's
 * clicks stay on one partition, in order) holding up to MAX_BATCHED_EVENTS click envelopes as an
 * event batch (encodeEventBatch). Under load a record carries hundreds of clicks, which is what
 * makes tracking cheap: the per-record work of the producer, the broker and every consumer is
 * paid once per batch, not once per click. A quiet edge still sends one click per record.
 */
export function clickRecords(batch: readonly ClickMessage[]): BatchedClickRecord[] {
  const byKey = new Map<string, Envelope<ClickRecordedV1>[]>();
  for (const click of batch) {
    const envelopes = byKey.get(click.key);
    if (envelopes) envelopes.push(click.envelope);
    else byKey.set(click.key, [click.envelope]);
  }
  const records: BatchedClickRecord[] = [];
  for (const [key, envelopes] of byKey) {
    for (let i = 0; i < envelopes.length; i += MAX_BATCHED_EVENTS) {
      const chunk = envelopes.slice(i, i + MAX_BATCHED_EVENTS);
      records.push({ key, value: encodeEventBatch(chunk), headers: { 'event-type': ClickRecordedV1.type, 'event-count': String(chunk.length) } });
    }
  }
  return records;
}

/** Produces click batches (to TOPICS.clicks unless a benchmark names another topic) with the idempotent, acks=all producer. */
export class KafkaClickPublisher implements ClickTransport {
  constructor(
    private readonly producer: EventProducer,
    private readonly topic: string,
  ) {}

  private connecting: Promise<void> | undefined;

  /** One connection attempt at a time: the worker's background connect and a produce may both ask. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }

  async publish(batch: readonly ClickMessage[]): Promise<void> {
    await this.send(clickRecords(batch));
  }

  private async send(records: BatchedClickRecord[]): Promise<void> {
    // A producer that lost its connection is reconnected here rather than failing every later batch.
    if (!this.producer.isConnected) await this.connect();
    await this.producer.send(this.topic, records);
  }
}
