import type { BatchedClickRecord } from './kafka-click.publisher';

/** What the click producer's thread is started with. */
export interface ProducerWorkerData {
  brokers: string;
  clientId: string;
  topic: string;
}

/** Main thread → producer thread. Every request is answered once, under its id. */
export type ProducerRequest =
  | { kind: 'connect'; id: number }
  | { kind: 'send'; id: number; records: BatchedClickRecord[] }
  | { kind: 'close'; id: number };

/** Producer thread → main thread. */
export type ProducerReply = { kind: 'done'; id: number } | { kind: 'failed'; id: number; error: string };
