import { EventEmitter } from 'node:events';
import { Kafka } from 'kafkajs';
import { EventConsumer } from './consumer';
import { ok } from './outcome';

/** A stand-in for kafkajs's consumer: only the lifecycle calls EventConsumer makes. */
class FakeConsumer extends EventEmitter {
  readonly events = { GROUP_JOIN: 'group_join', CRASH: 'crash' };
  connected = false;
  runs = 0;
  async connect() { this.connected = true; }
  async subscribe() {}
  async run() { this.runs++; }
  async disconnect() { this.connected = false; }
  async commitOffsets() {}
}

function fakeKafka(created: FakeConsumer[]): Kafka {
  const producer = { on: () => undefined, connect: async () => undefined, disconnect: async () => undefined, send: async () => undefined };
  return {
    consumer: () => {
      const c = new FakeConsumer();
      created.push(c);
      return c;
    },
    producer: () => producer,
  } as unknown as Kafka;
}

const logger = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('EventConsumer after a crash', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('starts a fresh consumer when kafkajs will not restart by itself', async () => {
    const created: FakeConsumer[] = [];
    const consumer = new EventConsumer({ kafka: fakeKafka(created), groupId: 'g', topics: ['t'], logger, handler: async () => ok });
    await consumer.start();
    expect(created).toHaveLength(1);

    created[0].emit('crash', { payload: { error: new Error('The coordinator is not aware of this member'), restart: false } });
    await jest.advanceTimersByTimeAsync(1500);
    expect(created).toHaveLength(2);
    expect(created[0].connected).toBe(false);
    expect(created[1].connected).toBe(true);
    expect(created[1].runs).toBe(1);
  });

  it('leaves retriable crashes to kafkajs and does not restart once stopped', async () => {
    const created: FakeConsumer[] = [];
    const consumer = new EventConsumer({ kafka: fakeKafka(created), groupId: 'g', topics: ['t'], logger, handler: async () => ok });
    await consumer.start();
    created[0].emit('crash', { payload: { error: new Error('retriable'), restart: true } });
    await jest.advanceTimersByTimeAsync(1500);
    expect(created).toHaveLength(1);

    await consumer.stop();
    created[0].emit('crash', { payload: { error: new Error('late'), restart: false } });
    await jest.advanceTimersByTimeAsync(1500);
    expect(created).toHaveLength(1);
  });
});
