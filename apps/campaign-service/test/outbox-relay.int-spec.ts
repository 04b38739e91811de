import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { CampaignCreatedV2, CampaignSnapshotV1, Envelope, LinkSnapshotV1, LinkUpsertedV1, RpcReply, TOPICS } from '@funnel/contracts';
import { ensureTopics, EventProducer } from '@funnel/kafka';
import { OutboxRecord, OutboxRelay, PrismaOutboxStore } from '@funnel/persistence';
import { uniqueId, waitFor } from '@funnel/testing';
import { CampaignsController } from '../src/campaigns/campaigns.controller';
import { LinksController } from '../src/links/links.controller';
import { createTestBed, startCampaignService, TEST_REDIRECT_BASE, TestBed } from './campaign-app';
import { collect, endOffsets } from './kafka-collect';

const quiet = { warn: () => undefined, error: (m: string) => console.error(m) };

function ok<T>(reply: RpcReply<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.data;
}

describe('outbox relay (PostgreSQL outbox → Kafka)', () => {
  let bed: TestBed;

  beforeAll(async () => {
    bed = await createTestBed('funnel_campaign_outbox');
  });

  afterAll(async () => {
    await bed?.close();
  });

  async function unpublished(): Promise<number> {
    return bed.prisma.outbox.count({ where: { publishedAt: null } });
  }

  describe('PrismaOutboxStore', () => {
    it('keeps a second store out while one holds the advisory lock, and leaves rows unpublished when publishing fails', async () => {
      await bed.prisma.outbox.createMany({ data: [1, 2, 3].map((n) => ({ topic: 'unused', key: `k${n}`, value: `v${n}` })) });
      const a = new PrismaOutboxStore(bed.prisma);
      const b = new PrismaOutboxStore(bed.prisma);

      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const first = a.withBatch(2, async (records) => {
        expect(records.map((r) => r.key)).toEqual(['k1', 'k2']);
        entered();
        await held;
      });
      await inside;
      const seenByB: OutboxRecord[] = [];
      expect(await b.withBatch(10, async (records) => void seenByB.push(...records))).toBe(0);
      expect(seenByB).toEqual([]);
      release();
      expect(await first).toBe(2);
      expect(await unpublished()).toBe(1);

      await expect(b.withBatch(10, async () => Promise.reject(new Error('broker down')))).rejects.toThrow('broker down');
      expect(await unpublished()).toBe(1);
      expect(await b.withBatch(10, async (records) => void seenByB.push(...records))).toBe(1);
      expect(seenByB.map((r) => [r.key, r.value])).toEqual([['k3', 'v3']]);
      expect(await unpublished()).toBe(0);
    });

    it('prunes only rows published before the cutoff, in chunks, never unpublished ones', async () => {
      await bed.prisma.outbox.deleteMany({});
      const day = 24 * 3600 * 1000;
      const now = Date.now();
      await bed.prisma.outbox.createMany({
        data: [
          ...[1, 2, 3, 4, 5].map((n) => ({ topic: 'unused', key: `old-${n}`, value: 'v', publishedAt: new Date(now - 2 * day) })),
          { topic: 'unused', key: 'recent', value: 'v', publishedAt: new Date(now - 3600 * 1000) },
          { topic: 'unused', key: 'pending-old', value: 'v', createdAt: new Date(now - 3 * day), publishedAt: null },
        ],
      });
      const store = new PrismaOutboxStore(bed.prisma);
      expect(await store.prunePublished(new Date(now - day), 2)).toBe(5);
      const left = await bed.prisma.outbox.findMany({ orderBy: { id: 'asc' } });
      expect(left.map((r) => r.key)).toEqual(['recent', 'pending-old']);
      expect(await store.prunePublished(new Date(now - day))).toBe(0);
      await bed.prisma.outbox.deleteMany({});
    });
  });

  describe('OutboxRelay', () => {
    it('publishes rows in outbox order across batches, topics and competing relays, each exactly once', async () => {
      const topicA = uniqueId('funnel.test.relay-a.');
      const topicB = uniqueId('funnel.test.relay-b.');
      await ensureTopics(bed.kafka, [
        { topic: topicA, numPartitions: 1 },
        { topic: topicB, numPartitions: 1 },
      ]);
      const rows = Array.from({ length: 60 }, (_, i) => ({
        topic: i % 7 < 4 ? topicA : topicB,
        key: `key-${i % 5}`,
        value: JSON.stringify({ seq: i }),
        headers: { seq: String(i) },
      }));
      await bed.prisma.outbox.createMany({ data: rows });

      const producers = [new EventProducer(bed.kafka), new EventProducer(bed.kafka)];
      await Promise.all(producers.map((p) => p.connect()));
      // Two relays on one database (two service instances): the lock keeps them from interleaving.
      const relays = producers.map((p) => new OutboxRelay(new PrismaOutboxStore(bed.prisma), p, quiet, { batchSize: 7, idleMs: 20 }));
      try {
        relays.forEach((r) => r.start());
        await waitFor(unpublished, (n) => n === 0, { what: 'outbox drained' });
      } finally {
        await Promise.all(relays.map((r) => r.stop()));
        await Promise.all(producers.map((p) => p.disconnect()));
      }

      for (const topic of [topicA, topicB]) {
        const expected = rows.filter((r) => r.topic === topic);
        const got = await collect(bed.kafka, topic, new Map([[0, '0']]), () => true, (m) => m.length >= expected.length);
        // Exactly once: the topic holds no more messages than rows were written.
        expect((await endOffsets(bed.kafka, topic)).get(0)).toBe(String(expected.length));
        expect(got.map((m) => [m.key, m.value, m.headers.seq])).toEqual(expected.map((r) => [r.key, r.value, r.headers.seq]));
      }
    });
  });

  describe('campaign-service', () => {
    let app: INestApplicationContext;

    beforeAll(async () => {
      app = await startCampaignService(bed);
    });

    afterAll(async () => {
      await app?.close();
    });

    it('publishes each change as an envelope on campaign events and a snapshot on the compacted topics', async () => {
      const handle = uniqueId('h');
      const from = {
        events: await endOffsets(bed.kafka, TOPICS.campaignEvents),
        links: await endOffsets(bed.kafka, TOPICS.linkSnapshots),
        campaigns: await endOffsets(bed.kafka, TOPICS.campaignSnapshots),
      };
      const campaigns = app.get(CampaignsController);
      const links = app.get(LinksController);
      const rpc = <B>(body: B, params: Record<string, string> = {}) => ({ handle, requestId: uniqueId('req-'), actor: { sub: 'u', role: 'CREATOR' as const }, params, body });

      ok(await campaigns.create(rpc({ campaignId: 'spring-launch', goalType: 'PRODUCT_SALE' as const, status: 'ACTIVE' as const, primarySlug: 'spring-promo' })));
      ok(await links.put(rpc({ destinationUrl: 'https://shop.example.com/old' }, { slug: 'spring-promo' })));
      const link = ok(
        await links.put(rpc({ destinationUrl: 'https://shop.example.com/spring', campaignId: 'spring-launch', trackingPolicy: { mode: 'CONTEXT' as const, appendContextParam: true } }, { slug: 'spring-promo' })),
      );
      expect(link.shortUrl).toBe(`${TEST_REDIRECT_BASE}/${handle}/spring-promo`);

      const snapshots = await collect(bed.kafka, TOPICS.linkSnapshots, from.links, (m) => m.key === `${handle}/spring-promo`, (m) => m.length >= 2);
      const latest = JSON.parse(snapshots[snapshots.length - 1].value ?? 'null') as LinkSnapshotV1;
      expect(snapshots.map((s) => (JSON.parse(s.value ?? '{}') as LinkSnapshotV1).version)).toEqual([1, 2]);
      expect(latest).toEqual({
        schema: 'link-snapshot.v1',
        handle,
        slug: 'spring-promo',
        destinationUrl: 'https://shop.example.com/spring',
        campaignId: 'spring-launch',
        trackingPolicy: { mode: 'CONTEXT', appendContextParam: true },
        version: 2,
        updatedAt: link.updatedAt,
      });

      const campaignSnaps = await collect(bed.kafka, TOPICS.campaignSnapshots, from.campaigns, (m) => m.key === `${handle}/spring-launch`, (m) => m.length >= 1);
      expect(JSON.parse(campaignSnaps[0].value ?? 'null')).toMatchObject({
        schema: 'campaign-snapshot.v1',
        handle,
        campaignId: 'spring-launch',
        status: 'ACTIVE',
        goalType: 'PRODUCT_SALE',
        eventType: 'purchase',
        primarySlug: 'spring-promo',
        cookieDurationDays: 30,
        attributionModel: 'LAST_CLICK',
        version: 1,
      } satisfies Partial<CampaignSnapshotV1>);

      const envelopes = await collect(
        bed.kafka,
        TOPICS.campaignEvents,
        from.events,
        (m) => (JSON.parse(m.value ?? '{}') as Envelope<unknown>).handle === handle,
        (m) => m.length >= 3,
      );
      const parsed = envelopes.map((m) => ({ key: m.key, header: m.headers['event-type'], envelope: JSON.parse(m.value ?? '{}') as Envelope<Record<string, unknown>> }));
      const forLink = parsed.filter((p) => p.key === 'spring-promo');
      expect(forLink.map((p) => [p.header, p.envelope.type, p.envelope.aggregateVersion])).toEqual([
        [LinkUpsertedV1.type, LinkUpsertedV1.type, 1],
        [LinkUpsertedV1.type, LinkUpsertedV1.type, 2],
      ]);
      const created = parsed.find((p) => p.key === 'spring-launch');
      expect(created?.envelope).toMatchObject({
        type: CampaignCreatedV2.type,
        version: CampaignCreatedV2.version,
        aggregateId: 'spring-launch',
        aggregateVersion: 1,
        payload: { campaignId: 'spring-launch', status: 'ACTIVE', attributionModel: 'LAST_CLICK' },
      });

      // The stored events and the published envelopes are the same events.
      const stored = await bed.prisma.event.findMany({ where: { handle }, orderBy: { id: 'asc' } });
      expect(new Set(parsed.map((p) => p.envelope.eventId))).toEqual(new Set(stored.map((e) => e.eventId)));
      expect(await unpublished()).toBe(0);
    });
  });
});
