import 'reflect-metadata';
import { ClickRecordedV1, createEnvelope } from '@funnel/contracts';
import { ClickBatcher } from './click-batcher';
import type { ClickMessage, ClickPublisher } from './click-sink';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function click(n: number): ClickMessage {
  const payload = { clickId: `c${n}` } as unknown as ClickRecordedV1;
  return { key: 'acme/spring', envelope: createEnvelope({ type: ClickRecordedV1.type, version: 1, handle: 'acme', aggregateId: `c${n}`, payload }) };
}

/** Records every batch it accepts; fails while `failing` is set. */
class FakePublisher implements ClickPublisher {
  readonly batches: string[][] = [];
  failing = false;
  attempts = 0;
  delayMs = 0;
  async publish(batch: readonly ClickMessage[]): Promise<void> {
    this.attempts++;
    if (this.delayMs) await sleep(this.delayMs);
    if (this.failing) throw new Error('broker unavailable');
    this.batches.push(batch.map((c) => c.envelope.aggregateId));
  }
  get delivered(): string[] {
    return this.batches.flat();
  }
}

describe('ClickBatcher', () => {
  let publisher: FakePublisher;
  const make = (options: Partial<ConstructorParameters<typeof ClickBatcher>[1]> = {}) =>
    new ClickBatcher(publisher, { flushIntervalMs: 20, batchSize: 500, retryMinMs: 10, retryMaxMs: 40, ...options });
  beforeEach(() => {
    publisher = new FakePublisher();
  });

  it('does not produce inside record(): the caller never waits', () => {
    const batcher = make();
    batcher.record(click(1));
    expect(publisher.attempts).toBe(0);
    expect(batcher.pending).toBe(1);
  });

  it('produces a partial batch after the flush interval', async () => {
    const batcher = make({ flushIntervalMs: 30 });
    batcher.record(click(1));
    batcher.record(click(2));
    await sleep(10);
    expect(publisher.batches).toEqual([]);
    await sleep(60);
    expect(publisher.batches).toEqual([['c1', 'c2']]);
    expect(batcher.pending).toBe(0);
    expect(batcher.delivered).toBe(2);
  });

  it('produces a full batch at once, in batches of at most batchSize, in order', async () => {
    const batcher = make({ flushIntervalMs: 1000, batchSize: 3 });
    for (let i = 1; i <= 7; i++) batcher.record(click(i));
    await sleep(30);
    expect(publisher.batches).toEqual([
      ['c1', 'c2', 'c3'],
      ['c4', 'c5', 'c6'],
    ]);
    expect(batcher.pending).toBe(1); // the partial seventh waits for the interval
  });

  it('never adds clicks to a batch already in flight', async () => {
    publisher.delayMs = 30;
    const batcher = make({ flushIntervalMs: 5, batchSize: 10 });
    batcher.record(click(1));
    await sleep(15); // first produce is now in flight
    batcher.record(click(2));
    await sleep(100);
    expect(publisher.batches).toEqual([['c1'], ['c2']]);
  });

  it('keeps a failed batch and retries it with backoff until the broker is back, losing nothing', async () => {
    const warnings: string[] = [];
    const batcher = make({ flushIntervalMs: 5, batchSize: 2, logger: { log: () => undefined, warn: (m) => warnings.push(m), error: () => undefined } });
    publisher.failing = true;
    for (let i = 1; i <= 5; i++) batcher.record(click(i));
    await sleep(120);
    expect(publisher.attempts).toBeGreaterThan(2);
    expect(publisher.delivered).toEqual([]);
    expect(batcher.pending).toBe(5);
    expect(batcher.failure).toBe('broker unavailable');
    expect(warnings[0]).toMatch(/retrying in 10 ms/);
    expect(warnings.some((w) => /retrying in 40 ms/.test(w))).toBe(true); // capped at retryMaxMs

    batcher.record(click(6));
    publisher.failing = false;
    await sleep(150);
    expect(publisher.delivered).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(batcher.pending).toBe(0);
    expect(batcher.failure).toBeNull();
  });

  it('drains everything on shutdown, partial batches included', async () => {
    const batcher = make({ flushIntervalMs: 10_000, batchSize: 4 });
    for (let i = 1; i <= 6; i++) batcher.record(click(i));
    expect(await batcher.drain(1000)).toBe(0);
    expect(publisher.delivered).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  });

  it('keeps retrying while draining, then reports what it could not produce', async () => {
    const batcher = make({ flushIntervalMs: 10_000 });
    publisher.failing = true;
    batcher.record(click(1));
    batcher.record(click(2));
    const started = Date.now();
    expect(await batcher.drain(100)).toBe(2);
    expect(Date.now() - started).toBeLessThan(500);
    expect(publisher.attempts).toBeGreaterThan(1);

    publisher.failing = false;
    expect(await batcher.drain(1000)).toBe(0);
    expect(publisher.delivered).toEqual(['c1', 'c2']);
  });
});
