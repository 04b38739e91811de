import 'reflect-metadata';
import { Client } from 'pg';
import {
  CampaignSnapshotV1,
  ClickRecordedV1,
  Envelope,
  newEventId,
  snapshotKey,
  TOPICS,
  WebhookView,
} from '@funnel/contracts';
import { EventProducer } from '@funnel/kafka';
import { HEALTH_CHECKS, HealthCheck } from '@funnel/observability';
import { uniqueId, waitFor } from '@funnel/testing';
import { AttributionSweeper } from '../src/conversions/attribution-sweeper';
import { ConversionsController } from '../src/conversions/conversions.controller';
import { OutboxService } from '../src/platform/outbox/outbox.service';
import { WebhooksController } from '../src/webhooks/webhooks.controller';
import { verifyWebhookSignature } from '../src/webhooks/webhook-signature';
import { clickEvent, CollectedTopic, waitForGroupAtEnd, collectTopic, mintWebhookSecret, replyData, rpcRequest, startReceiver, startService, TestService } from './conversion-harness';

jest.setTimeout(120000);


describe('conversion-service (real PostgreSQL and Kafka)', () => {
  let service: TestService;
  let producer: EventProducer;
  let conversions: CollectedTopic;
  let db: Client;
  let controller: ConversionsController;
  let webhooks: WebhooksController;

  beforeAll(async () => {
    service = await startService({ WEBHOOK_ALLOW_PRIVATE: 'true' });
    producer = new EventProducer(service.kafka);
    await producer.connect();
    conversions = await collectTopic(service.kafka, TOPICS.conversions);
    db = new Client({ connectionString: service.databaseUrl });
    await db.connect();
    controller = service.app.get(ConversionsController);
    webhooks = service.app.get(WebhooksController);
  });

  afterAll(async () => {
    await conversions?.stop();
    await producer?.disconnect();
    await db?.end();
    await service?.close();
  });

  const request = rpcRequest;
  const data = replyData;

  async function publishClick(event: Envelope<ClickRecordedV1>): Promise<void> {
    await producer.publish(TOPICS.clicks, event.handle, event);
  }

  async function clickStored(clickId: string): Promise<void> {
    await waitFor(async () => (await db.query('SELECT 1 FROM clicks WHERE click_id = $1', [clickId])).rowCount, (n) => n === 1, { what: `click ${clickId} stored` });
  }

  const eventsFor = (conversionId: string) => conversions.events.filter((e) => e.aggregateId === conversionId);

  /** Publishes what is committed and collects everything on the topic: an event not seen by then was never emitted. */
  async function settle(): Promise<void> {
    await service.app.get(OutboxService).drain();
    await conversions.caughtUp();
  }

  const sale = (extra: Record<string, unknown> = {}) => ({ eventType: 'purchase', value: 99.99, currency: 'USD', ...extra });

  it('reports PostgreSQL and Kafka as healthy', async () => {
    const checks = service.app.get<HealthCheck[]>(HEALTH_CHECKS);
    expect(checks.map((c) => c.name).sort()).toEqual(['kafka', 'postgres']);
    await Promise.all(checks.map((c) => c.check()));
  });

  it('stores a published click in its clicks table, past a poison message, once per click', async () => {
    const handle = uniqueId('h');
    const event = clickEvent(handle, 'spring-launch', newEventId(), 'variant-a');
    await producer.send(TOPICS.clicks, [{ key: handle, value: '{not json' }]);
    await publishClick(event);
    await publishClick(event); // redelivery
    await clickStored(event.payload.clickId);
    const { rows } = await db.query('SELECT handle, campaign_id, visitor_id, is_bot, occurred_at, variant_id, variant_known FROM clicks WHERE click_id = $1', [
      event.payload.clickId,
    ]);
    expect(rows).toEqual([
      { handle, campaign_id: 'spring-launch', visitor_id: 'v-1', is_bot: false, occurred_at: new Date(event.occurredAt), variant_id: 'variant-a', variant_known: true },
    ]);
  });

  it('counts a conversion of a known click and emits conversion.recorded with its variant; a repeated orderId is a duplicate with no event', async () => {
    const handle = uniqueId('h');
    const click = clickEvent(handle, 'spring-launch', newEventId(), 'variant-a');
    await publishClick(click);
    await clickStored(click.payload.clickId);

    const first = data(await controller.record(request(handle, sale({ clickId: click.payload.clickId, orderId: 'order-1', metadata: { items: 3 } }))));
    expect(first).toMatchObject({ handle, status: 'counted', campaignId: 'spring-launch', clickId: click.payload.clickId, orderId: 'order-1', value: 99.99, currency: 'USD', test: false, metadata: { items: 3 } });
    const [event] = await waitFor(async () => eventsFor(first.conversionId), (e) => e.length === 1, { what: 'conversion.recorded' });
    expect(event).toMatchObject({ type: 'conversion.recorded', version: 1, handle, aggregateId: first.conversionId });
    expect(event.payload).toMatchObject({ conversionId: first.conversionId, campaignId: 'spring-launch', orderId: 'order-1', value: 99.99, test: false, clickVariantId: 'variant-a' });

    const second = data(await controller.record(request(handle, sale({ clickId: click.payload.clickId, orderId: 'order-1' }))));
    expect(second.status).toBe('duplicate');
    expect(second.conversionId).not.toBe(first.conversionId);
    await settle();
    expect(eventsFor(second.conversionId)).toEqual([]);
    expect(conversions.events.filter((e) => e.handle === handle)).toHaveLength(1);
    const { rows } = await db.query('SELECT status::text, duplicate_of::text FROM conversions WHERE handle = $1 ORDER BY created_at', [handle]);
    expect(rows).toEqual([{ status: 'counted', duplicate_of: null }, { status: 'duplicate', duplicate_of: first.conversionId }]);
  });

  it('counts exactly one of 50 concurrent posts of one new orderId', async () => {
    const handle = uniqueId('h');
    const click = clickEvent(handle, 'spring-launch');
    await publishClick(click);
    await clickStored(click.payload.clickId);
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => controller.record(request(handle, sale({ clickId: click.payload.clickId, orderId: 'race-1' })))),
    );
    const statuses = replies.map((r) => data(r).status);
    expect(statuses.filter((s) => s === 'counted')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(49);
    const { rows } = await db.query("SELECT status::text AS status, count(*)::int AS n FROM conversions WHERE handle = $1 GROUP BY 1 ORDER BY 1", [handle]);
    expect(rows).toEqual([{ status: 'counted', n: 1 }, { status: 'duplicate', n: 49 }]);
    await waitFor(async () => conversions.events.filter((e) => e.handle === handle), (e) => e.length >= 1, { what: 'the counted event' });
    await settle();
    expect(conversions.events.filter((e) => e.handle === handle)).toHaveLength(1);
  });

  it('stores a conversion whose click is not known yet as unattributed, and counts it when the click arrives', async () => {
    const handle = uniqueId('h');
    const click = clickEvent(handle, 'late-campaign', newEventId(), 'variant-late');
    const early = data(await controller.record(request(handle, sale({ clickId: click.payload.clickId, orderId: 'late-1' }))));
    expect(early).toMatchObject({ status: 'unattributed', campaignId: null, clickId: click.payload.clickId });
    const noClick = data(await controller.record(request(handle, sale())));
    expect(noClick).toMatchObject({ status: 'unattributed', clickId: null });
    await settle();
    expect(eventsFor(early.conversionId)).toEqual([]);

    await publishClick(click);
    await publishClick(click); // a redelivered click attributes nothing twice
    const [event] = await waitFor(async () => eventsFor(early.conversionId), (e) => e.length >= 1, { what: 'late conversion.recorded' });
    expect(event.payload).toMatchObject({ campaignId: 'late-campaign', clickId: click.payload.clickId, orderId: 'late-1', clickVariantId: 'variant-late' });
    expect(event.occurredAt).toBe(early.createdAt);
    await settle();
    expect(eventsFor(early.conversionId)).toHaveLength(1);
    const { rows } = await db.query('SELECT status::text, campaign_id FROM conversions WHERE conversion_id = $1', [early.conversionId]);
    expect(rows).toEqual([{ status: 'counted', campaign_id: 'late-campaign' }]);
  });

  it('attributes, by the sweep, a conversion that missed its click in a race', async () => {
    // The state a lost race leaves: the click and the conversion both committed, nobody attributed.
    const handle = uniqueId('h');
    const clickId = newEventId();
    const conversionId = newEventId();
    await db.query(`INSERT INTO clicks (click_id, handle, campaign_id, visitor_id, occurred_at, is_bot) VALUES ($1, $2, 'raced', 'v', now(), false)`, [clickId, handle]);
    await db.query(
      `INSERT INTO conversions (conversion_id, handle, click_id, event_type, value, currency, metadata, status, created_at)
       VALUES ($1, $2, $3, 'purchase', 5, 'USD', '{}', 'unattributed', now())`,
      [conversionId, handle, clickId],
    );
    expect(await service.app.get(AttributionSweeper).sweep()).toBe(1);
    expect(await service.app.get(AttributionSweeper).sweep()).toBe(0);
    const [event] = await waitFor(async () => eventsFor(conversionId), (e) => e.length === 1, { what: 'swept conversion.recorded' });
    // The click had no variant (variant_id NULL, variant_known by default): null, not left out.
    expect(event.payload).toMatchObject({ campaignId: 'raced', clickId, clickVariantId: null });
  });

  it('leaves clickVariantId out when the credited click was stored before variants were kept', async () => {
    const handle = uniqueId('h');
    const clickId = newEventId();
    await db.query(
      `INSERT INTO clicks (click_id, handle, campaign_id, visitor_id, occurred_at, is_bot, variant_known) VALUES ($1, $2, 'legacy', 'v', now(), false, false)`,
      [clickId, handle],
    );
    const view = data(await controller.record(request(handle, sale({ clickId }))));
    expect(view).toMatchObject({ status: 'counted', campaignId: 'legacy' });
    const [event] = await waitFor(async () => eventsFor(view.conversionId), (e) => e.length === 1, { what: 'conversion.recorded' });
    expect(event.payload).toMatchObject({ campaignId: 'legacy', clickId });
    expect(event.payload).not.toHaveProperty('clickVariantId');
  });

  it("never attributes to another handle's click", async () => {
    const owner = uniqueId('h');
    const click = clickEvent(owner, 'theirs');
    await publishClick(click);
    await clickStored(click.payload.clickId);
    const other = uniqueId('h');
    const reply = data(await controller.record(request(other, sale({ clickId: click.payload.clickId }))));
    expect(reply).toMatchObject({ status: 'unattributed', campaignId: null });
  });

  it('answers validation_failed for a bad body and changes nothing', async () => {
    const handle = uniqueId('h');
    const reply = await controller.record(request(handle, { eventType: 'purchase', value: -1, currency: 'usd', extra: 1 }));
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error).toMatchObject({ status: 400, error: 'validation_failed' });
    expect(reply.error.fields?.map((f) => f.field).sort()).toEqual(['currency', 'extra', 'value']);
    expect((await db.query('SELECT 1 FROM conversions WHERE handle = $1', [handle])).rowCount).toBe(0);
  });

  it('records a test conversion for a known campaign and emits conversion.tested with test true', async () => {
    const handle = uniqueId('h');
    const snapshot: CampaignSnapshotV1 = {
      schema: 'campaign-snapshot.v1',
      handle,
      campaignId: 'spring-launch',
      status: 'DRAFT',
      goalType: 'PRODUCT_SALE',
      eventType: 'purchase',
      primarySlug: null,
      cookieDurationDays: 30,
      version: 2,
      updatedAt: new Date().toISOString(),
    };
    const older = { ...snapshot, eventType: 'stale', version: 1 };
    await producer.send(TOPICS.campaignSnapshots, [
      { key: snapshotKey(handle, 'spring-launch'), value: JSON.stringify(snapshot) },
      { key: snapshotKey(handle, 'spring-launch'), value: JSON.stringify(older) },
    ]);
    await waitFor(
      async () => (await db.query('SELECT event_type, version FROM campaigns WHERE handle = $1', [handle])).rows,
      (rows) => rows.length === 1,
      { what: 'campaign snapshot stored' },
    );
    // Let the older snapshot be consumed too: it must not win.
    await waitForGroupAtEnd(service.kafka, `${service.groupId}-campaigns`, TOPICS.campaignSnapshots);
    expect((await db.query('SELECT event_type, version FROM campaigns WHERE handle = $1', [handle])).rows).toEqual([{ event_type: 'purchase', version: 2 }]);

    const body = { value: 99.99, currency: 'USD', metadata: { orderId: '12345', items: 3 } };
    const view = data(await controller.test(request(handle, body, { campaignId: 'spring-launch' })));
    expect(view).toMatchObject({ status: 'test', test: true, campaignId: 'spring-launch', eventType: 'purchase', metadata: { orderId: '12345', items: 3, test: true } });
    const [event] = await waitFor(async () => eventsFor(view.conversionId), (e) => e.length === 1, { what: 'conversion.tested' });
    expect(event).toMatchObject({ type: 'conversion.tested', handle });
    expect(event.payload).toMatchObject({ test: true, campaignId: 'spring-launch' });

    const missing = await controller.test(request(handle, body, { campaignId: 'nope-campaign' }));
    expect(missing).toEqual({ ok: false, error: expect.objectContaining({ status: 404, error: 'campaign_not_found' }) });
    const otherTenant = await controller.test(request(uniqueId('h'), body, { campaignId: 'spring-launch' }));
    expect(otherTenant).toEqual({ ok: false, error: expect.objectContaining({ status: 404, error: 'campaign_not_found' }) });
    const badId = await controller.test(request(handle, body, { campaignId: 'X' }));
    expect(badId).toEqual({ ok: false, error: expect.objectContaining({ status: 400, error: 'invalid_campaign_id' }) });
  });

  describe('attribution windows, models and campaign status', () => {
    const DAY = 24 * 3600 * 1000;

    async function campaignRow(handle: string, campaignId: string, extra: { days?: number; status?: string; model?: string; eventType?: string } = {}): Promise<void> {
      await db.query(
        `INSERT INTO campaigns (handle, campaign_id, status, event_type, cookie_duration_days, attribution_model, version, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, now())`,
        [handle, campaignId, extra.status ?? 'ACTIVE', extra.eventType ?? 'purchase', extra.days ?? 30, extra.model ?? 'LAST_CLICK'],
      );
    }

    async function clickRow(handle: string, campaignId: string, visitorId: string, daysAgo: number, variantId: string | null = null): Promise<string> {
      const clickId = newEventId();
      await db.query(`INSERT INTO clicks (click_id, handle, campaign_id, visitor_id, occurred_at, is_bot, variant_id) VALUES ($1, $2, $3, $4, $5, false, $6)`, [
        clickId,
        handle,
        campaignId,
        visitorId,
        new Date(Date.now() - daysAgo * DAY),
        variantId,
      ]);
      return clickId;
    }

    it('credits a visitor click inside cookieDurationDays and not one outside it', async () => {
      const handle = uniqueId('h');
      await campaignRow(handle, 'week-long', { days: 7 });
      const inside = await clickRow(handle, 'week-long', 'v-inside', 6.9);
      await clickRow(handle, 'week-long', 'v-outside', 7.1);
      expect(data(await controller.record(request(handle, sale({ visitorId: 'v-inside' }))))).toMatchObject({ status: 'counted', campaignId: 'week-long', clickId: inside, visitorId: 'v-inside' });
      expect(data(await controller.record(request(handle, sale({ visitorId: 'v-outside' }))))).toMatchObject({ status: 'unattributed', statusReason: 'no_click_for_visitor', campaignId: null });
    });

    it('refuses a named click outside cookieDurationDays', async () => {
      const handle = uniqueId('h');
      await campaignRow(handle, 'week-long', { days: 7 });
      const old = await clickRow(handle, 'week-long', 'v', 8);
      const fresh = await clickRow(handle, 'week-long', 'v', 1);
      expect(data(await controller.record(request(handle, sale({ clickId: old }))))).toMatchObject({ status: 'unattributed', statusReason: 'outside_window' });
      expect(data(await controller.record(request(handle, sale({ clickId: fresh }))))).toMatchObject({ status: 'counted', campaignId: 'week-long' });
    });

    it('with a 0-day window credits only the click id, whatever its age, never the visitor', async () => {
      const handle = uniqueId('h');
      await campaignRow(handle, 'zero-day', { days: 0 });
      const clickId = await clickRow(handle, 'zero-day', 'v-zero', 200);
      await clickRow(handle, 'zero-day', 'v-zero', 0.001);
      expect(data(await controller.record(request(handle, sale({ visitorId: 'v-zero' }))))).toMatchObject({ status: 'unattributed', statusReason: 'no_click_for_visitor' });
      expect(data(await controller.record(request(handle, sale({ clickId }))))).toMatchObject({ status: 'counted', campaignId: 'zero-day', clickId });
    });

    it('credits the last click by default and the first click of a FIRST_CLICK campaign', async () => {
      const handle = uniqueId('h');
      await campaignRow(handle, 'last-wins');
      await campaignRow(handle, 'first-wins', { model: 'FIRST_CLICK' });
      await clickRow(handle, 'last-wins', 'v-a', 5, 'earlier');
      const lastA = await clickRow(handle, 'last-wins', 'v-a', 1, 'later');
      const firstB = await clickRow(handle, 'first-wins', 'v-b', 5, 'earlier');
      await clickRow(handle, 'first-wins', 'v-b', 1, 'later');
      const a = data(await controller.record(request(handle, sale({ visitorId: 'v-a' }))));
      const b = data(await controller.record(request(handle, sale({ visitorId: 'v-b' }))));
      expect(a).toMatchObject({ status: 'counted', clickId: lastA });
      expect(b).toMatchObject({ status: 'counted', clickId: firstB });
      // The events carry the variant of the click each model credited.
      const [eventA] = await waitFor(async () => eventsFor(a.conversionId), (e) => e.length === 1, { what: 'last-click conversion.recorded' });
      const [eventB] = await waitFor(async () => eventsFor(b.conversionId), (e) => e.length === 1, { what: 'first-click conversion.recorded' });
      expect([eventA.payload.clickVariantId, eventB.payload.clickVariantId]).toEqual(['later', 'earlier']);
    });

    it('credits, by the sweep, a visitor-only conversion whose click was stored after it', async () => {
      const handle = uniqueId('h');
      await campaignRow(handle, 'late-visitor');
      const view = data(await controller.record(request(handle, sale({ visitorId: 'v-late' }))));
      expect(view).toMatchObject({ status: 'unattributed', statusReason: 'no_click_for_visitor' });
      const clickId = await clickRow(handle, 'late-visitor', 'v-late', 0.01, 'variant-v'); // clicked before converting, stored after
      await service.app.get(AttributionSweeper).sweep(); // (the periodic sweep may have been first: the event is what counts)
      const [event] = await waitFor(async () => eventsFor(view.conversionId), (e) => e.length === 1, { what: 'late visitor conversion.recorded' });
      expect(event.payload).toMatchObject({ campaignId: 'late-visitor', clickId, clickVariantId: 'variant-v' });
      const { rows } = await db.query('SELECT status::text, status_reason, click_id FROM conversions WHERE conversion_id = $1', [view.conversionId]);
      expect(rows).toEqual([{ status: 'counted', status_reason: null, click_id: clickId }]);
    });

    it('stores a conversion of a PAUSED campaign as not_counted, with no conversion.recorded', async () => {
      const handle = uniqueId('h');
      await campaignRow(handle, 'paused-one', { status: 'PAUSED' });
      const clickId = await clickRow(handle, 'paused-one', 'v', 1);
      const view = data(await controller.record(request(handle, sale({ clickId }))));
      expect(view).toMatchObject({ status: 'not_counted', statusReason: 'campaign_paused', campaignId: 'paused-one' });
      await settle();
      expect(eventsFor(view.conversionId)).toEqual([]);
    });

    it('lists unattributed conversions with their count, newest first, within the handle only', async () => {
      const handle = uniqueId('h');
      const a = data(await controller.record(request(handle, sale({ orderId: 'u-1' }))));
      const b = data(await controller.record(request(handle, sale({ clickId: 'not-yet-known' }))));
      await controller.record(request(uniqueId('h'), sale()));
      const page = data(await controller.list(request(handle, { status: 'unattributed', limit: 1 })));
      expect(page).toMatchObject({ total: 2, items: [{ conversionId: b.conversionId, statusReason: 'click_not_found' }] });
      const next = data(await controller.list(request(handle, { status: 'unattributed', cursor: page.nextCursor })));
      expect(next.items.map((i) => i.conversionId)).toEqual([a.conversionId]);
      expect(data(await controller.list(request(handle, { status: 'counted' })))).toEqual({ items: [], total: 0, nextCursor: null });
    });
  });

  describe('ingestion rules', () => {
    it('replays the same conversion for a repeated Idempotency-Key, also concurrently, and refuses the key with another body', async () => {
      const handle = uniqueId('h');
      const keyed = (body: Record<string, unknown>, key: string) => ({ ...request(handle, body), params: { idempotencyKey: key } });
      const replies = await Promise.all(Array.from({ length: 10 }, () => controller.record(keyed(sale({ metadata: { a: 1 } }), 'key-1'))));
      const ids = new Set(replies.map((r) => data(r).conversionId));
      expect(ids.size).toBe(1);
      const reused = await controller.record(keyed(sale({ value: 1 }), 'key-1'));
      expect(reused).toEqual({ ok: false, error: expect.objectContaining({ status: 409, error: 'idempotency_key_reused' }) });
      expect((await db.query('SELECT 1 FROM conversions WHERE handle = $1', [handle])).rowCount).toBe(1);
      // Keys are per handle.
      expect(data(await controller.record({ ...keyed(sale(), 'key-1'), handle: uniqueId('h') })).conversionId).not.toBe([...ids][0]);
      const bad = await controller.record(keyed(sale(), 'has space'));
      expect(bad).toEqual({ ok: false, error: expect.objectContaining({ status: 400, error: 'invalid_idempotency_key' }) });
    });

    it('keeps the amount and currency as posted, and refuses unknown currencies, big or deep metadata, unknown event types', async () => {
      const handle = uniqueId('h');
      expect(data(await controller.record(request(handle, sale({ value: 1234.5678, currency: 'JPY' }))))).toMatchObject({ value: 1234.5678, currency: 'JPY' });
      const fieldsOf = async (body: Record<string, unknown>) => {
        const reply = await controller.record(request(handle, body));
        return reply.ok ? [] : (reply.error.fields ?? []).map((f) => f.field);
      };
      expect(await fieldsOf(sale({ currency: 'XXY' }))).toEqual(['currency']);
      expect(await fieldsOf(sale({ metadata: { blob: 'x'.repeat(5000) } }))).toEqual(['metadata']);
      expect(await fieldsOf(sale({ metadata: { a: { b: { c: { d: { e: { f: 1 } } } } } } }))).toEqual(['metadata']);
      expect(await fieldsOf(sale({ eventType: 'made_up_event' }))).toEqual(['eventType']);
      expect((await db.query('SELECT 1 FROM conversions WHERE handle = $1', [handle])).rowCount).toBe(1);
    });
  });

  describe('webhooks', () => {
    const receiver = startReceiver;

    async function subscribe(handle: string, url: string): Promise<WebhookView> {
      const { secret, sealedSecret } = mintWebhookSecret();
      return { ...data(await webhooks.create(request(handle, { url, events: ['conversion.recorded'], sealedSecret }))), secret };
    }

    it('refuses link-local URLs even when private addresses are allowed', async () => {
      const reply = await webhooks.create(request(uniqueId('h'), { url: 'http://169.254.169.254/latest', events: ['conversion.recorded'], sealedSecret: mintWebhookSecret().sealedSecret }));
      expect(reply).toEqual({ ok: false, error: expect.objectContaining({ status: 400, error: 'invalid_webhook_url' }) });
    });

    it('delivers a signed POST that verifies with the secret shown once', async () => {
      const handle = uniqueId('h');
      const hook = await receiver(() => 204);
      try {
        const webhook = await subscribe(handle, hook.url);
        expect(webhook.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
        expect(webhook).toMatchObject({ handle, url: hook.url, events: ['conversion.recorded'], enabled: true });
        const click = clickEvent(handle, 'hooked');
        await publishClick(click);
        await clickStored(click.payload.clickId);
        const view = data(await controller.record(request(handle, sale({ clickId: click.payload.clickId, orderId: 'hook-1' }))));

        const [delivery] = await waitFor(async () => hook.received, (r) => r.length >= 1, { what: 'webhook delivery' });
        const body = JSON.parse(delivery.raw) as { id: string; type: string; createdAt: string; data: Record<string, unknown> };
        expect(body).toMatchObject({ type: 'conversion.recorded', data: { conversionId: view.conversionId, campaignId: 'hooked', value: 99.99 } });
        expect(delivery.headers['content-type']).toBe('application/json');
        expect(delivery.headers['webhook-id']).toBe(body.id);
        expect(String(delivery.headers['webhook-timestamp'])).toMatch(/^\d{10}$/);
        expect(
          verifyWebhookSignature(webhook.secret!, { timestamp: String(delivery.headers['webhook-timestamp']), signature: String(delivery.headers['webhook-signature']) }, delivery.raw),
        ).toBe(true);
        expect(verifyWebhookSignature(`${webhook.secret}x`, { timestamp: String(delivery.headers['webhook-timestamp']), signature: String(delivery.headers['webhook-signature']) }, delivery.raw)).toBe(false);
        await waitFor(
          async () => (await db.query("SELECT status::text, attempts FROM webhook_deliveries WHERE handle = $1", [handle])).rows,
          (rows) => rows.length === 1 && rows[0].status === 'delivered',
          { what: 'delivery marked delivered' },
        );
      } finally {
        await hook.close();
      }
    });

    it('retries a receiver that fails twice, and records all 3 attempts', async () => {
      const handle = uniqueId('h');
      const hook = await receiver((n) => (n <= 2 ? 500 : 200));
      try {
        await subscribe(handle, hook.url);
        const click = clickEvent(handle, 'flaky');
        await publishClick(click);
        await clickStored(click.payload.clickId);
        await controller.record(request(handle, sale({ clickId: click.payload.clickId })));
        const rows = await waitFor(
          async () => (await db.query("SELECT d.status::text, d.attempts FROM webhook_deliveries d WHERE d.handle = $1", [handle])).rows,
          (r) => r.length === 1 && r[0].status === 'delivered',
          { what: 'delivered after retries', timeoutMs: 30000 },
        );
        expect(rows).toEqual([{ status: 'delivered', attempts: 3 }]);
        const attempts = await db.query(
          `SELECT a.attempt_no, a.status_code, a.response_body, a.latency_ms, a.attempted_at
           FROM webhook_attempts a JOIN webhook_deliveries d USING (delivery_id) WHERE d.handle = $1 ORDER BY a.attempt_no`,
          [handle],
        );
        expect(attempts.rows.map((a) => [a.attempt_no, a.status_code, a.response_body])).toEqual([
          // The receiver is on loopback (a private target): its answers are not kept in the log.
          [1, 500, null],
          [2, 500, null],
          [3, 200, null],
        ]);
        // Backoff: about 1 s, then about 2 s (plus up to 10 % jitter and the poll interval).
        const at = attempts.rows.map((a) => (a.attempted_at as Date).getTime());
        expect(at[1] - at[0]).toBeGreaterThanOrEqual(1000);
        expect(at[2] - at[1]).toBeGreaterThanOrEqual(2000);
        expect(hook.received).toHaveLength(3);
        expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
      } finally {
        await hook.close();
      }
    });
  });
});
