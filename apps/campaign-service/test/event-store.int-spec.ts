import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { CampaignCreatedV1, CampaignCreatedV2, CampaignSnapshotV1, CampaignUpdatedV3, createEnvelope, LinkUpsertedV1, RpcReply, RpcRequest, TOPICS } from '@funnel/contracts';
import { uniqueId } from '@funnel/testing';
import { CampaignRepository, PrismaCampaignRepository } from '../src/campaigns/campaign.repository';
import { applyCampaignEvent } from '../src/campaigns/campaign';
import { CampaignsController } from '../src/campaigns/campaigns.controller';
import { ConcurrencyError } from '../src/platform/event-store/concurrency.error';
import { applyLinkEvent } from '../src/links/link';
import { LinkRepository, PrismaLinkRepository } from '../src/links/link.repository';
import { LinksController } from '../src/links/links.controller';
import { rebuildReadModels } from '../src/replay/rebuild-read-models';
import { createTestBed, startCampaignService, TEST_REDIRECT_BASE, TestBed } from './campaign-app';
import { collect, endOffsets } from './kafka-collect';

function request<B>(handle: string, body: B, params: Record<string, string> = {}): RpcRequest<B> {
  return { handle, requestId: uniqueId('req-'), actor: { sub: 'user-1', role: 'CREATOR' }, params, body };
}

function ok<T>(reply: RpcReply<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.data;
}

describe('campaign-service event store (PostgreSQL + Kafka)', () => {
  let bed: TestBed;
  let app: INestApplicationContext;
  let campaigns: CampaignsController;
  let links: LinksController;

  beforeAll(async () => {
    bed = await createTestBed('funnel_campaign_es');
    app = await startCampaignService(bed);
    campaigns = app.get(CampaignsController);
    links = app.get(LinksController);
  });

  afterAll(async () => {
    await app?.close();
    await bed?.close();
  });

  it('runs the seed workflow: create, link, health READY; events get consecutive aggregate versions', async () => {
    const handle = uniqueId('h');
    const created = ok(
      await campaigns.create(request(handle, { campaignId: 'spring-launch', goalType: 'PRODUCT_SALE', status: 'ACTIVE', primarySlug: 'spring-promo' })),
    );
    expect(created.campaign).toMatchObject({ campaignId: 'spring-launch', status: 'ACTIVE', trackingPreset: 'ga4_purchase', version: 1 });

    const before = ok(await campaigns.health(request(handle, {}, { campaignId: 'spring-launch' })));
    expect(before.readiness).toBe('NOT_READY');

    for (const destination of ['https://shop.example.com/a', 'https://shop.example.com/b', 'https://shop.example.com/spring']) {
      ok(
        await links.put(
          request(handle, { destinationUrl: destination, campaignId: 'spring-launch', trackingPolicy: { mode: 'DIRECT', appendContextParam: true } }, { slug: 'spring-promo' }),
        ),
      );
    }
    const link = ok(await links.put(request(handle, { destinationUrl: 'https://shop.example.com/spring', campaignId: 'spring-launch' }, { slug: 'spring-promo' })));
    expect(link).toMatchObject({ version: 4, shortUrl: `${TEST_REDIRECT_BASE}/${handle}/spring-promo`, trackingPolicy: { mode: 'DIRECT', appendContextParam: false } });

    expect(ok(await campaigns.health(request(handle, {}, { campaignId: 'spring-launch' })))).toEqual({
      campaignId: 'spring-launch',
      checks: [
        { name: 'tracking_preset', status: 'PASS', detail: "Using tracking preset 'ga4_purchase'." },
        { name: 'conversion_event_type', status: 'PASS', detail: "Using event type 'purchase'." },
        { name: 'primary_link', status: 'PASS', detail: 'Primary link configured: spring-promo' },
        { name: 'campaign_active', status: 'PASS', detail: 'Campaign is ACTIVE and tracking clicks and conversions.' },
        // PASS once the relay has published the snapshot, WARN until then; never a failure.
        { name: 'primary_link_published', status: expect.stringMatching(/^(PASS|WARN)$/), detail: expect.stringContaining("'spring-promo'") },
      ],
      readiness: 'READY',
    });

    const events = await bed.prisma.event.findMany({ where: { handle }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.aggregateType, e.aggregateId, e.aggregateVersion, e.type])).toEqual([
      ['campaign', 'spring-launch', 1, CampaignCreatedV1.type],
      ['link', 'spring-promo', 1, LinkUpsertedV1.type],
      ['link', 'spring-promo', 2, LinkUpsertedV1.type],
      ['link', 'spring-promo', 3, LinkUpsertedV1.type],
      ['link', 'spring-promo', 4, LinkUpsertedV1.type],
    ]);

    // The read models are caches of the event streams: folding the events gives the same state.
    const campaignRepo = app.get(CampaignRepository) as PrismaCampaignRepository;
    const linkRepo = app.get(LinkRepository) as PrismaLinkRepository;
    expect(await campaignRepo.replay(handle, 'spring-launch')).toEqual(await campaignRepo.find(handle, 'spring-launch'));
    expect(await linkRepo.replay(handle, 'spring-promo')).toEqual(await linkRepo.find(handle, 'spring-promo'));

    // Every change wrote its envelope and its snapshot to the outbox in the same transaction.
    const outbox = await bed.prisma.outbox.findMany({ where: { key: { in: ['spring-launch', 'spring-promo', `${handle}/spring-launch`, `${handle}/spring-promo`] } } });
    expect(outbox.filter((o) => o.value?.includes(`"handle":"${handle}"`))).toHaveLength(10);
  });

  it('lets exactly one of two concurrent creates of the same id win; the other is campaign_conflict', async () => {
    for (let round = 0; round < 5; round++) {
      const handle = uniqueId('h');
      const body = { campaignId: 'race-campaign', goalType: 'LEAD_CAPTURE' as const };
      const replies = await Promise.all([campaigns.create(request(handle, body)), campaigns.create(request(handle, body))]);
      expect(replies.filter((r) => r.ok)).toHaveLength(1);
      expect(replies.filter((r) => !r.ok).map((r) => (r.ok ? null : r.error))).toEqual([
        expect.objectContaining({ status: 409, error: 'campaign_conflict' }),
      ]);
      expect(await bed.prisma.event.count({ where: { handle } })).toBe(1);
      expect(await bed.prisma.campaign.count({ where: { handle } })).toBe(1);
    }
  });

  it('rejects a stale append at the unique key, so concurrent writers of one version never both commit', async () => {
    const repo = app.get(CampaignRepository);
    const handle = uniqueId('h');
    const make = () => {
      const event = createEnvelope({
        type: CampaignCreatedV1.type,
        version: CampaignCreatedV1.version,
        handle,
        aggregateId: 'same-id',
        aggregateVersion: 1,
        payload: { campaignId: 'same-id', name: null, goalType: 'NEWSLETTER', status: 'DRAFT', trackingPreset: 'ga4_sign_up', eventType: 'newsletter_signup', primarySlug: null, cookieDurationDays: 30 } satisfies CampaignCreatedV1,
      });
      return { state: applyCampaignEvent(null, event), event };
    };
    // Both passed any read-side check: only the event store can stop the second.
    const a = make();
    const b = make();
    const results = await Promise.allSettled([repo.save(a.state, [a.event]), repo.save(b.state, [b.event])]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(ConcurrencyError);
    expect(await bed.prisma.outbox.count({ where: { key: 'same-id' } })).toBe(1);

    // The same for a link at version 2: two writers that both loaded version 1.
    const linkRepo = app.get(LinkRepository);
    ok(await links.put(request(handle, { destinationUrl: 'https://shop.example.com/1' }, { slug: 'contested' })));
    const current = await linkRepo.find(handle, 'contested');
    const update = (url: string) => {
      const event = createEnvelope({
        type: LinkUpsertedV1.type,
        version: LinkUpsertedV1.version,
        handle,
        aggregateId: 'contested',
        aggregateVersion: 2,
        payload: { slug: 'contested', destinationUrl: url, campaignId: null, trackingPolicy: { mode: 'DIRECT', appendContextParam: false } } satisfies LinkUpsertedV1,
      });
      return linkRepo.save(applyLinkEvent(current, event), [event]);
    };
    const linkResults = await Promise.allSettled([update('https://shop.example.com/2a'), update('https://shop.example.com/2b')]);
    expect(linkResults.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(linkResults.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(ConcurrencyError) });
    const versions = await bed.prisma.event.findMany({ where: { handle, aggregateId: 'contested' }, orderBy: { aggregateVersion: 'asc' } });
    expect(versions.map((v) => v.aggregateVersion)).toEqual([1, 2]);
    expect((await linkRepo.find(handle, 'contested'))?.version).toBe(2);
  });

  it('lists a handle’s campaigns newest first with an optional status filter, and never another handle’s', async () => {
    const handle = uniqueId('h');
    const other = uniqueId('h');
    for (const [id, status] of [['first-one', 'DRAFT'], ['second-one', 'ACTIVE'], ['third-one', 'DRAFT']] as const) {
      ok(await campaigns.create(request(handle, { campaignId: id, goalType: 'APP_INSTALL', status })));
      await new Promise((r) => setTimeout(r, 5));
    }
    ok(await campaigns.create(request(other, { campaignId: 'first-one', goalType: 'APP_INSTALL' })));
    const all = ok(await campaigns.list(request(handle, {})));
    expect(all.campaigns.map((c) => c.campaignId)).toEqual(['third-one', 'second-one', 'first-one']);
    expect(all.campaigns.every((c) => c.handle === handle)).toBe(true);
    const drafts = ok(await campaigns.list(request(handle, { status: 'DRAFT' })));
    expect(drafts.campaigns.map((c) => c.campaignId)).toEqual(['third-one', 'first-one']);
    const bad = await campaigns.list(request(handle, { status: 'DELETED' }));
    expect(bad).toEqual({ ok: false, error: expect.objectContaining({ status: 400, error: 'validation_failed' }) });
  });

  it('answers bad input and other tenants with 4xx replies, never a throw, and writes nothing', async () => {
    const handle = uniqueId('h');
    const other = uniqueId('h');
    ok(await campaigns.create(request(other, { campaignId: 'theirs', goalType: 'PRODUCT_SALE', primarySlug: 'x' })));
    expect(await campaigns.create(request(handle, { campaignId: 'BAD ID', goalType: 'PRODUCT_SALE' }))).toEqual({
      ok: false,
      error: expect.objectContaining({ status: 400, error: 'invalid_campaign_id' }),
    });
    expect(await campaigns.create(request(handle, { goalType: 'PRODUCT_SALE', surprise: 1 }))).toMatchObject({ ok: false, error: { status: 400, error: 'validation_failed' } });
    expect(await campaigns.health(request(handle, {}, { campaignId: 'theirs' }))).toMatchObject({ ok: false, error: { status: 404, error: 'campaign_not_found' } });
    expect(await links.put(request(handle, { destinationUrl: 'https://x.example.com', campaignId: 'theirs' }, { slug: 'mine' }))).toMatchObject({
      ok: false,
      error: { status: 404, error: 'campaign_not_found' },
    });
    expect(await links.put(request(handle, { destinationUrl: 'https://x.example.com' }, { slug: 'bad/slug' }))).toMatchObject({ ok: false, error: { status: 400, error: 'invalid_slug' } });
    expect(await links.put(request(handle, { destinationUrl: 'ftp://x.example.com' }, { slug: 'mine' }))).toMatchObject({ ok: false, error: { status: 400, error: 'validation_failed' } });
    expect(await campaigns.create({ handle: 'Not A Handle', body: {} } as unknown as RpcRequest<object>)).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await bed.prisma.event.count({ where: { handle } })).toBe(0);

    const generated = ok(await campaigns.create(request(handle, { goalType: 'AFFILIATE_CLICKOUT' })));
    expect(generated.campaign.campaignId).toMatch(/^cmp_[0-9a-f]{16}$/);
    expect(generated.campaign).toMatchObject({ status: 'DRAFT', trackingPreset: 'custom_webhook', eventType: 'affiliate_click', cookieDurationDays: 30 });
  });

  it('publishes a FIRST_CLICK campaign’s snapshot with attributionModel, follows a PATCH, and rebuilds it from the events', async () => {
    const handle = uniqueId('h');
    const from = await endOffsets(bed.kafka, TOPICS.campaignSnapshots);
    const created = ok(await campaigns.create(request(handle, { campaignId: 'first-touch', goalType: 'LEAD_CAPTURE', attributionModel: 'FIRST_CLICK' })));
    expect(created.campaign).toMatchObject({ attributionModel: 'FIRST_CLICK', version: 1 });
    ok(await campaigns.create(request(handle, { campaignId: 'last-touch', goalType: 'LEAD_CAPTURE' })));
    expect(await campaigns.create(request(handle, { campaignId: 'bad-model', goalType: 'LEAD_CAPTURE', attributionModel: 'LINEAR' }))).toMatchObject({
      ok: false,
      error: { status: 400, error: 'validation_failed', fields: [expect.objectContaining({ field: 'attributionModel' })] },
    });

    const patched = ok(await campaigns.update(request(handle, { attributionModel: 'LAST_CLICK' }, { campaignId: 'first-touch' })));
    expect(patched).toMatchObject({ attributionModel: 'LAST_CLICK', version: 2 });
    ok(await campaigns.update(request(handle, { attributionModel: 'FIRST_CLICK' }, { campaignId: 'first-touch' })));

    // One reader for both keys (each reader costs a consumer-group join).
    const messages = await collect(
      bed.kafka,
      TOPICS.campaignSnapshots,
      from,
      (m) => m.key === `${handle}/first-touch` || m.key === `${handle}/last-touch`,
      (m) => m.length >= 4,
    );
    const snapshots = messages.map((m) => JSON.parse(m.value ?? 'null') as CampaignSnapshotV1);
    const firstTouch = snapshots.filter((s) => s.campaignId === 'first-touch');
    expect(firstTouch[0]).toMatchObject({ schema: 'campaign-snapshot.v1', handle, campaignId: 'first-touch', attributionModel: 'FIRST_CLICK', version: 1 });
    expect(firstTouch.map((s) => [s.version, s.attributionModel])).toEqual([
      [1, 'FIRST_CLICK'],
      [2, 'LAST_CLICK'],
      [3, 'FIRST_CLICK'],
    ]);
    // The default is written out too, so a consumer never has to assume it.
    expect(snapshots.filter((s) => s.campaignId === 'last-touch')).toEqual([expect.objectContaining({ attributionModel: 'LAST_CLICK', version: 1 })]);

    // New versions only are written: campaign.created v2, campaign.updated v3.
    const events = await bed.prisma.event.findMany({ where: { handle, aggregateId: 'first-touch' }, orderBy: { aggregateVersion: 'asc' } });
    expect(events.map((e) => [e.type, e.version])).toEqual([
      [CampaignCreatedV2.type, CampaignCreatedV2.version],
      [CampaignUpdatedV3.type, CampaignUpdatedV3.version],
      [CampaignUpdatedV3.type, CampaignUpdatedV3.version],
    ]);

    // The read model column is a cache of the events: damage it, rebuild, and the model comes back.
    const repo = app.get(CampaignRepository) as PrismaCampaignRepository;
    const live = await repo.find(handle, 'first-touch');
    expect(live?.attributionModel).toBe('FIRST_CLICK');
    expect(await repo.replay(handle, 'first-touch')).toEqual(live);
    await bed.prisma.campaign.update({ where: { handle_campaignId: { handle, campaignId: 'first-touch' } }, data: { attributionModel: 'LAST_CLICK' } });
    await rebuildReadModels(bed.prisma);
    expect(await repo.find(handle, 'first-touch')).toEqual(live);
    expect((await repo.find(handle, 'last-touch'))?.attributionModel).toBe('LAST_CLICK');
  });
});
