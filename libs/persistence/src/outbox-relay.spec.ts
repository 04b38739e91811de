import { OUTBOX_RETENTION_MS, OutboxPublisher, OutboxRecord, OutboxRelay, OutboxStore } from './outbox-relay';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class FakeStore implements OutboxStore {
  readonly prunes: Date[] = [];
  failPrune = false;
  async withBatch(_limit: number, _publish: (records: OutboxRecord[]) => Promise<void>): Promise<number> {
    return 0;
  }
  async prunePublished(before: Date): Promise<number> {
    this.prunes.push(before);
    if (this.failPrune) throw new Error('database away');
    return 3;
  }
}

const publisher: OutboxPublisher = { send: async () => undefined };

describe('OutboxRelay pruning', () => {
  it('prunes what was published before the retention at start, then every pruneEveryMs, until stopped', async () => {
    const store = new FakeStore();
    const warnings: string[] = [];
    const relay = new OutboxRelay(store, publisher, { warn: (m) => warnings.push(m), error: () => undefined }, { idleMs: 5, pruneEveryMs: 20, retentionMs: 60_000 });
    const started = Date.now();
    relay.start();
    await sleep(70);
    await relay.stop();
    const count = store.prunes.length;
    expect(count).toBeGreaterThanOrEqual(3);
    for (const before of store.prunes) {
      expect(before.getTime()).toBeGreaterThanOrEqual(started - 60_000);
      expect(before.getTime()).toBeLessThanOrEqual(Date.now() - 60_000);
    }
    await sleep(50);
    expect(store.prunes).toHaveLength(count);
    expect(warnings).toEqual([]);
  });

  it('keeps a day by default, and logs a failed prune without stopping the relay', async () => {
    const store = new FakeStore();
    store.failPrune = true;
    const warnings: string[] = [];
    const relay = new OutboxRelay(store, publisher, { warn: (m) => warnings.push(m), error: () => undefined }, { idleMs: 5 });
    relay.start();
    await relay.prune();
    await relay.stop();
    expect(OUTBOX_RETENTION_MS).toBe(24 * 3600 * 1000);
    expect(Date.now() - store.prunes[0].getTime()).toBeGreaterThanOrEqual(OUTBOX_RETENTION_MS);
    expect(warnings.some((w) => /outbox prune failed, will retry: database away/.test(w))).toBe(true);
  });

  it('does nothing for a store that cannot prune', async () => {
    const store: OutboxStore = { withBatch: async () => 0 };
    const relay = new OutboxRelay(store, publisher, { warn: () => undefined, error: () => undefined });
    relay.start();
    await expect(relay.prune()).resolves.toBeUndefined();
    await relay.stop();
  });
});
