import type { ClickRecordedV1, Envelope } from '@funnel/contracts';

/** One click on its way to TOPICS.clicks, keyed `${handle}/${campaignId}`. */
export interface ClickMessage {
  key: string;
  envelope: Envelope<ClickRecordedV1>;
}

/**
 * Where the click worker's ClickRecorder hands a click event. `record` is synchronous and never
 * throws. The sink is the in-memory batcher, which hands batches to Kafka or, while Kafka does
 * not answer, to the local spool.
 */
export interface ClickSink {
  record(click: ClickMessage): void;
}

/** Delivers a batch of clicks; resolves once all are durably accepted, rejects otherwise (all to be retried). */
export interface ClickPublisher {
  publish(batch: readonly ClickMessage[]): Promise<void>;
}

/** The publisher that talks to Kafka, with its connection's lifecycle. */
export interface ClickTransport extends ClickPublisher {
  connect(): Promise<void>;
  /** Disconnects; batches still in flight fail (and are spooled by the caller). */
  close(): Promise<void>;
}
