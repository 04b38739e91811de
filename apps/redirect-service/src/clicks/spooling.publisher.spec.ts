import 'reflect-metadata';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickRecordedV1, createEnvelope } from '@funnel/contracts';
import { ClickSpool } from './click-spool';
import type { ClickMessage, ClickPublisher } from './click-sink';
import { SpoolingPublisher } from './spooling.publisher';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function click(n: number): ClickMessage {
  const payload = { clickId: `c${n}` } as unknown as ClickRecordedV1;
  return { key: 'acme/spring', envelope: createEnvelope({ type: ClickRecordedV1.type, version: 1, handle: 'acme', aggregateId: `c${n}`, payload }) };
}

/** Accepts batches unless `down`; a hanging broker never answers at all. */
class FakeKafka implements ClickPublisher {
  readonly delivered: string[] = [];
  down = false;
  hang = false;
  async publish(batch: readonly ClickMessage[]): Promise<void> {
    if (this.hang) return new Promise(() => undefined);
    if (this.down) throw new Error('broker unavailable');
    this.delivered.push(...batch.map((c) => c.envelope.aggregateId));
  }
}

describe('SpoolingPublisher with a file spool', () => {
  let dir: string;
  let kafka: FakeKafka;
  const publishers: SpoolingPublisher[] = [];
  const make = async () => {
    const spool = new ClickSpool(dir);
    await spool.open();
    const publisher = new SpoolingPublisher(kafka, spool, { produceTimeoutMs: 50, batchSize: 2, retryMinMs: 10, retryMaxMs: 40 });
    publishers.push(publisher);
    publisher.start();
    return { spool, publisher };
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'click-spool-'));
    kafka = new FakeKafka();
  });
  afterEach(async () => {
    // flush(0) stops the replay loop and waits for a chunk in progress, so nothing writes into the folder as it goes.
    for (const p of publishers.splice(0)) await p.flush(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('produces straight to Kafka while it answers, spooling nothing', async () => {
    const { publisher } = await make();
    await publisher.publish([click(1), click(2)]);
    expect(kafka.delivered).toEqual(['c1', 'c2']);
    expect(publisher.spooled).toBe(0);
  });

  it('spools while Kafka is down (or silent), keeps later batches behind, replays all in order and truncates', async () => {
    const { publisher, spool } = await make();
    kafka.down = true;
    await publisher.publish([click(1), click(2)]);
    kafka.down = false;
    kafka.hang = true;
    await publisher.publish([click(3)]); // times out: spooled
    kafka.hang = false;
    await publisher.publish([click(4), click(5)]); // Kafka is back, but older clicks are spooled: behind them
    expect(publisher.spooled).toBe(5);
    await sleep(300);
    expect(kafka.delivered).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(spool.isEmpty).toBe(true);
    expect((await stat(join(dir, 'clicks.spool'))).size).toBe(0);
    await publisher.publish([click(6)]);
    expect(kafka.delivered).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  });

  it('keeps the spool across a restart and replays it then, from the committed offset, exactly once', async () => {
    const first = await make();
    kafka.down = true;
    await first.publisher.publish([click(1), click(2), click(3)]);
    expect(await first.publisher.flush(30)).toBe(false);
    await first.spool.close();
    // A crash mid-append leaves half a line: it is dropped on open.
    await appendFile(join(dir, 'clicks.spool'), '["acme/spring",{"eventI');

    kafka.down = false;
    const second = await make();
    await sleep(200);
    expect(kafka.delivered).toEqual(['c1', 'c2', 'c3']);
    expect(second.spool.isEmpty).toBe(true);
    expect(await readFile(join(dir, 'clicks.offset'), 'utf8')).toBe('0');
  });

  it('on shutdown replays what Kafka will take and reports the rest as still spooled', async () => {
    const { publisher } = await make();
    kafka.down = true;
    await publisher.publish([click(1)]);
    kafka.down = false;
    expect(await publisher.flush(1000)).toBe(true);
    expect(kafka.delivered).toEqual(['c1']);
  });

  it('resumes after a partly replayed spool without repeating the committed part', async () => {
    const first = await make();
    kafka.down = true;
    await first.publisher.publish([click(1), click(2), click(3), click(4), click(5)]);
    first.publisher.stop();
    const chunk = await first.spool.read(2);
    await first.spool.commit(chunk.end); // as if c1, c2 had been acknowledged before a crash
    await first.spool.close();
    kafka.down = false;
    await make();
    await sleep(200);
    expect(kafka.delivered).toEqual(['c3', 'c4', 'c5']);
  });

  it('finds the last complete line of a spool larger than one read', async () => {
    const first = await make();
    kafka.down = true;
    const many = Array.from({ length: 600 }, (_, i) => click(i));
    await first.publisher.publish(many);
    first.publisher.stop();
    await first.spool.close();
    expect((await stat(join(dir, 'clicks.spool'))).size).toBeGreaterThan(128 * 1024);
    await appendFile(join(dir, 'clicks.spool'), '["acme/spring",{"half a line');
    kafka.down = false;
    const second = await make();
    for (let i = 0; i < 100 && !second.spool.isEmpty; i++) await sleep(50);
    expect(kafka.delivered).toEqual(many.map((c) => c.envelope.aggregateId));
    expect(second.spool.isEmpty).toBe(true);
  });

  it('survives the spool failing under it during a replay (e.g. a full disk) and replays once it works again', async () => {
    const { spool, publisher } = await make();
    kafka.down = true;
    await publisher.publish([click(1), click(2)]);
    const read = spool.read.bind(spool);
    let failures = 0;
    spool.read = (max: number) => {
      if (failures < 2) {
        failures++;
        return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
      }
      return read(max);
    };
    // In the click worker an unhandled rejection would end the thread.
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    kafka.down = false;
    try {
      for (let i = 0; i < 100 && kafka.delivered.length < 2; i++) await sleep(10);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(failures).toBe(2);
    expect(kafka.delivered).toEqual(['c1', 'c2']);
    // Let the replay finish its commit before the folder is removed.
    expect(await publisher.flush(1000)).toBe(true);
  });

  it('writes the replay offset durably: a reopened spool resumes after the committed chunk', async () => {
    const first = await make();
    kafka.down = true;
    await first.publisher.publish([click(1), click(2), click(3)]);
    first.publisher.stop();
    const chunk = await first.spool.read(2);
    await first.spool.commit(chunk.end);
    await first.spool.close();
    expect(Number(await readFile(join(dir, 'clicks.offset'), 'utf8'))).toBe(chunk.end);
    const reopened = new ClickSpool(dir);
    await reopened.open();
    expect((await reopened.read(10)).clicks.map((c) => c.envelope.aggregateId)).toEqual(['c3']);
    await reopened.close();
  });
});
