/**
 * What a handler decided about one message. Handlers return outcomes rather than throwing
 * for control flow: `retry` for transient failures (the consumer backs off and tries again,
 * never skipping), `dlq` for poison messages (parked with the error, then skipped),
 * `drop` for messages that are valid but not for us.
 */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'drop'; reason: string }
  | { kind: 'dlq'; error: string }
  | { kind: 'retry'; error: string };

export const ok: Outcome = { kind: 'ok' };
export const drop = (reason: string): Outcome => ({ kind: 'drop', reason });
export const dlq = (error: string): Outcome => ({ kind: 'dlq', error });
export const retry = (error: string): Outcome => ({ kind: 'retry', error });
