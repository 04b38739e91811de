import 'reflect-metadata';
import type { Consumer, Kafka } from 'kafkajs';
import { ClickRecordedV1, createEnvelope, parseEnvelopes } from '@funnel/contracts';
import { createKafka, ensureTopics } from '@funnel/kafka';
import { getInfra, uniqueId, waitFor } from '@funnel/testing';
import type { ClickMessage } from '../src/clicks/click-sink';
import { WorkerClickPublisher } from '../src/clicks/worker-click.publisher';

const EXPECTED = { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 };

function click(handle: string, campaignId: string): ClickMessage {
  const envelope = createEnvelope<ClickRecordedV1>({
    type: ClickRecordedV1.type,
    version: ClickRecordedV1.version,
    handle,
    aggregateId: 'pending',
    payload: {
      clickId: '',
      campaignId,
      linkSlug: 'go',
      visitorId: 'v-1',
      userAgent: 'Mozilla/5.0',
      referrer: '',
      source: 'direct',
      country: 'US',
      device: 'desktop',
      browser: 'Firefox',
      os: 'Linux',
      isBot: false,
      botReason: null,
      variantId: null,
    },
  });
  envelope.aggregateId = envelope.payload.clickId = envelope.eventId;
  return { key: `${handle}/${campaignId}`, envelope };
}

/** The worker-thread producer against the real broker: what it acknowledges is on the topic, once; a dead thread fails its batch and is replaced. */
describe('WorkerClickPublisher', () => {
  const topic = uniqueId('redirect.worker.clicks.');
  const handle = uniqueId('wrk');
  let kafka: Kafka;
  let publisher: WorkerClickPublisher;
  let consumer: Consumer;
  const seen = new Map<string, number>();

  beforeAll(async () => {
    const { kafkaBrokers } = await getInfra();
    kafka = createKafka(kafkaBrokers, 'worker-publisher-spec');
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    publisher = new WorkerClickPublisher({ brokers: kafkaBrokers, clientId: 'worker-publisher-spec', topic });
    await publisher.connect();
    consumer = kafka.consumer({ groupId: uniqueId('worker-publisher-') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const parsed = parseEnvelopes(message.value, EXPECTED);
        if (!parsed.ok) throw new Error(parsed.error);
        for (const e of parsed.envelopes) seen.set(e.payload.clickId, (seen.get(e.payload.clickId) ?? 0) + 1);
      },
    });
  }, 60000);

  afterAll(async () => {
    await consumer?.disconnect();
    await publisher?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('produces acknowledged batches, each click exactly once, grouped per campaign', async () => {
    const batches = [0, 1, 2].map(() => [...Array.from({ length: 250 }, () => click(handle, 'a')), ...Array.from({ length: 30 }, () => click(handle, 'b'))]);
    for (const batch of batches) await publisher.publish(batch);
    const ids = batches.flat().map((c) => c.envelope.payload.clickId);
    await waitFor(async () => ids.filter((id) => seen.has(id)).length, (n) => n === ids.length, { what: 'every click on the topic', timeoutMs: 30000 });
    expect(ids.every((id) => seen.get(id) === 1)).toBe(true);
  }, 60000);

  it('fails the batches of a thread that died, and starts a new one for the next batch', async () => {
    const worker = (publisher as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const inFlight = publisher.publish([click(handle, 'c')]);
    await worker.terminate();
    await expect(inFlight).rejects.toThrow(/thread exited|terminated/);
    const after = click(handle, 'c');
    await publisher.publish([after]);
    await waitFor(async () => seen.get(after.envelope.payload.clickId), (n) => n === 1, { what: 'the click sent by the new thread', timeoutMs: 30000 });
  }, 60000);
});
