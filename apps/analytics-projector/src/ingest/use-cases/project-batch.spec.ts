import 'reflect-metadata';
import { ClickRecordedV1, ConversionTestedV1, createEnvelope, TOPICS } from '@funnel/contracts';
import { ClickRow, ConversionRow, RawMessage } from '../event-rows';
import { EventKey, RawTable } from '../raw-events.repository';
import { ProjectBatch, RawEventsStore } from './project-batch';

/** An in-memory stand-in for the raw tables, with switches to make it fail. */
class FakeStore implements RawEventsStore {
  clicks: ClickRow[] = [];
  conversions: ConversionRow[] = [];
  offsetReads = 0;
  failNextInsert = false;
  failOffsetRead = false;
  /** An insert that reaches the table but whose answer is lost (e.g. a timeout). */
  landThenFail = false;

  async insertClicks(rows: readonly ClickRow[]): Promise<void> {
    this.write(this.clicks, rows);
  }

  async insertConversions(rows: readonly ConversionRow[]): Promise<void> {
    this.write(this.conversions, rows);
  }

  private write<T>(table: T[], rows: readonly T[]): void {
    if (this.failNextInsert) {
      this.failNextInsert = false;
      throw new Error('connection refused');
    }
    table.push(...rows);
    if (this.landThenFail) {
      this.landThenFail = false;
      throw new Error('timeout');
    }
  }

  private rows(table: RawTable): Array<ClickRow | ConversionRow> {
    return table === 'clicks' ? this.clicks : this.conversions;
  }

  async maxStoredOffset(table: RawTable, topic: string, partition: number): Promise<bigint | null> {
    this.offsetReads++;
    if (this.failOffsetRead) throw new Error('clickhouse down');
    const offsets = this.rows(table)
      .filter((r) => r.kafka_topic === topic && r.kafka_partition === partition)
      .map((r) => BigInt(r.kafka_offset));
    return offsets.length ? offsets.reduce((a, b) => (a > b ? a : b)) : null;
  }

  async storedEventIds(table: RawTable, events: readonly EventKey[]): Promise<Set<string>> {
    const ids = new Set(this.rows(table).map((r) => r.event_id));
    return new Set(events.filter((e) => ids.has(e.event_id)).map((e) => e.event_id));
  }
}

let seq = 0;
function click(offset: number, partition = 0, eventId?: string): RawMessage {
  const envelope = createEnvelope({
    type: ClickRecordedV1.type,
    version: ClickRecordedV1.version,
    handle: 'acme',
    aggregateId: `click-${seq}`,
    ...(eventId ? { eventId } : {}),
    payload: {
      clickId: `0195f0a2-7c1e-7c3a-9d2b-${String(++seq).padStart(12, '0')}`,
      campaignId: 'spring',
      linkSlug: 'promo',
      visitorId: 'v',
      userAgent: 'ua',
      referrer: '',
      source: 'email',
      country: 'US',
      device: 'mobile',
      isBot: false,
      botReason: null,
      variantId: null,
    },
  });
  return { topic: TOPICS.clicks, partition, offset: String(offset), value: Buffer.from(JSON.stringify(envelope)) };
}

/** An event batch record, as the redirect edge produces clicks: several click envelopes in one message. */
function clickBatch(offset: number, size: number, eventIds: string[] = []): RawMessage {
  const envelopes = Array.from({ length: size }, (_, i) => JSON.parse((click(offset, 0, eventIds[i]).value as Buffer).toString()) as unknown);
  return { topic: TOPICS.clicks, partition: 0, offset: String(offset), value: Buffer.from(JSON.stringify(envelopes)) };
}

const poison = (offset: number, partition = 0): RawMessage => ({ topic: TOPICS.clicks, partition, offset: String(offset), value: Buffer.from('{nope') });

describe('ProjectBatch', () => {
  let store: FakeStore;
  let project: ProjectBatch;

  beforeEach(() => {
    store = new FakeStore();
    project = new ProjectBatch(store, () => new Date('2026-02-25T12:00:00Z'));
  });

  it('inserts a batch in one go, carrying topic/partition/offset', async () => {
    const spy = jest.spyOn(store, 'insertClicks');
    const outcomes = await project.execute([click(10), click(11), click(12)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ok', 'ok', 'ok']);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(store.clicks.map((r) => [r.kafka_topic, r.kafka_partition, r.kafka_offset])).toEqual([
      [TOPICS.clicks, 0, '10'],
      [TOPICS.clicks, 0, '11'],
      [TOPICS.clicks, 0, '12'],
    ]);
  });

  it('skips a redelivered batch: offsets at or below what is stored', async () => {
    const batch = [click(0), click(1), click(2)];
    await project.execute(batch);
    // A crash before the commit: a new process (empty cache) gets the same batch plus one more.
    const restarted = new ProjectBatch(store);
    const lookups = jest.spyOn(store, 'storedEventIds');
    const next = click(3);
    const outcomes = await restarted.execute([...batch, next]);
    expect(outcomes.map((o) => o.kind)).toEqual(['drop', 'drop', 'drop', 'ok']);
    expect(store.clicks.map((r) => r.kafka_offset)).toEqual(['0', '1', '2', '3']);
    // The offsets alone ruled the redelivered messages out: only the new one was looked up by id.
    expect(lookups).toHaveBeenCalledTimes(1);
    expect(lookups.mock.calls[0][1].map((e) => e.event_id)).toEqual([JSON.parse(next.value!.toString()).eventId]);
  });

  it('reads the stored offset once per partition, and again after a reassignment', async () => {
    await project.execute([click(0)]);
    await project.execute([click(1)]);
    await project.execute([click(5, 1)]);
    expect(store.offsetReads).toBe(2);
    project.onPartitionsAssigned();
    // Meanwhile another instance stored partition 0 up to offset 7.
    store.clicks.push({ ...store.clicks[0], kafka_offset: '7', event_id: 'elsewhere' });
    const outcomes = await project.execute([click(6), click(7), click(8)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['drop', 'drop', 'ok']);
    expect(store.offsetReads).toBe(3);
  });

  it('keeps partitions apart', async () => {
    await project.execute([click(100, 0)]);
    const outcomes = await project.execute([click(3, 1)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ok']);
  });

  it('sends poison messages to the DLQ and stores the rest of the batch', async () => {
    const outcomes = await project.execute([click(0), poison(1), click(2)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ok', 'dlq', 'ok']);
    expect(outcomes[1]).toMatchObject({ kind: 'dlq', error: expect.stringContaining('invalid JSON') });
    expect(store.clicks.map((r) => r.kafka_offset)).toEqual(['0', '2']);
  });

  it('answers retry for the whole batch when ClickHouse cannot be read or written, then stores it once', async () => {
    store.failOffsetRead = true;
    expect((await project.execute([click(0), click(1)])).every((o) => o.kind === 'retry')).toBe(true);
    store.failOffsetRead = false;
    store.failNextInsert = true;
    const batch = [click(0), click(1)];
    expect((await project.execute(batch)).every((o) => o.kind === 'retry')).toBe(true);
    expect(store.clicks).toHaveLength(0);
    expect((await project.execute(batch)).map((o) => o.kind)).toEqual(['ok', 'ok']);
    expect(store.clicks).toHaveLength(2);
  });

  it('does not store twice an insert that landed although it reported a failure', async () => {
    const batch = [click(0), click(1)];
    store.landThenFail = true;
    expect((await project.execute(batch)).every((o) => o.kind === 'retry')).toBe(true);
    expect(store.clicks).toHaveLength(2);
    expect((await project.execute(batch)).map((o) => o.kind)).toEqual(['drop', 'drop']);
    expect(store.clicks).toHaveLength(2);
  });

  it('skips an event published twice under new offsets, and repeats within a batch', async () => {
    const id = '0195f0a2-7c1e-7c3a-9d2b-aaaaaaaaaaaa';
    await project.execute([click(0, 0, id)]);
    const outcomes = await project.execute([click(1, 0, id), click(2), click(3, 0, '0195f0a2-7c1e-7c3a-9d2b-bbbbbbbbbbbb'), click(4, 0, '0195f0a2-7c1e-7c3a-9d2b-bbbbbbbbbbbb')]);
    expect(outcomes.map((o) => o.kind)).toEqual(['drop', 'ok', 'ok', 'drop']);
    expect(store.clicks.map((r) => r.kafka_offset)).toEqual(['0', '2', '3']);
  });

  it('stores every click of an event batch under the message offset, skipping those already stored', async () => {
    const first = await project.execute([clickBatch(20, 3), click(21)]);
    expect(first.map((o) => o.kind)).toEqual(['ok', 'ok']);
    expect(store.clicks.map((r) => r.kafka_offset)).toEqual(['20', '20', '20', '21']);
    // Republished under new offsets: one batch holds a stored event and a new one, the other only stored ones.
    const [a, b] = store.clicks.map((r) => r.event_id);
    const again = await project.execute([clickBatch(30, 2, [a, '0195f0a2-7c1e-7c3a-9d2b-ffffffffffff']), clickBatch(31, 2, [a, b])]);
    expect(again.map((o) => o.kind)).toEqual(['ok', 'drop']);
    expect(store.clicks.map((r) => r.event_id)).toEqual([...store.clicks.slice(0, 4).map((r) => r.event_id), '0195f0a2-7c1e-7c3a-9d2b-ffffffffffff']);
  });

  it('sends an event batch with one bad click to the DLQ whole', async () => {
    const batch = clickBatch(40, 2);
    const envelopes = JSON.parse((batch.value as Buffer).toString()) as Array<{ payload: { device: string } }>;
    envelopes[1].payload.device = 'toaster';
    const outcomes = await project.execute([{ ...batch, value: Buffer.from(JSON.stringify(envelopes)) }, click(41)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['dlq', 'ok']);
    expect(store.clicks.map((r) => r.kafka_offset)).toEqual(['41']);
  });

  it('routes conversions to their table with test conversions flagged', async () => {
    const envelope = createEnvelope({
      type: ConversionTestedV1.type,
      version: ConversionTestedV1.version,
      handle: 'acme',
      aggregateId: 'c1',
      payload: {
        conversionId: '0195f0a2-7c1e-7c3a-9d2b-cccccccccccc',
        campaignId: 'spring',
        clickId: null,
        orderId: null,
        eventType: 'purchase',
        value: 99.99,
        currency: 'USD',
        metadata: {},
        test: true,
      },
    });
    const outcomes = await project.execute([{ topic: TOPICS.conversions, partition: 2, offset: '5', value: Buffer.from(JSON.stringify(envelope)) }]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ok']);
    expect(store.conversions.map((r) => [r.test, r.value, r.kafka_partition])).toEqual([[1, 99.99, 2]]);
    expect(store.clicks).toHaveLength(0);
  });
});
