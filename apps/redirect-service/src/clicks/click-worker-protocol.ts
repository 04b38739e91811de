import type { RedirectEnv } from '@funnel/config';

/** How the click path is doing, as the click worker reports it. */
export interface ClickStatus {
  /** Why clicks are neither produced nor spooled (they then wait in memory); null when fine. */
  failure: string | null;
  /** Why Kafka is not taking clicks (they then go to the spool); null when it is. */
  kafkaFailure: string | null;
  /** Clicks in the worker's memory, not yet produced or spooled. */
  pending: number;
  /** Clicks accepted by Kafka or the spool since the worker started. */
  delivered: number;
  spooled: number;
  replayed: number;
  backlogBytes: number;
  spoolEmpty: boolean;
}

export interface ClickWorkerData {
  env: RedirectEnv;
  /** Kafka client id. */
  service: string;
  clicksTopic: string;
}

/** Messages from the request thread to the click worker. */
export type ToClickWorker =
  | { kind: 'clicks'; packed: unknown[] }
  | { kind: 'status'; id: number }
  /** Deliver everything (Kafka, else the spool), replay the spool as far as Kafka allows, close. */
  | { kind: 'drain'; timeoutMs: number };

/** Messages from the click worker to the request thread. */
export type FromClickWorker =
  | { kind: 'ready' }
  | { kind: 'failed'; error: string }
  | { kind: 'status'; id: number | null; status: ClickStatus }
  | { kind: 'drained'; left: number; emptied: boolean; status: ClickStatus };
