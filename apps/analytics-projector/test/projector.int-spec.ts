import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { CH_TABLES, identifier, sql, toNumber } from '@funnel/clickhouse';
import {
  ClickRecordedV1,
  ConversionRecordedV1,
  ConversionTestedV1,
  createEnvelope,
  dlqTopic,
  Envelope,
  FunnelResult,
  newEventId,
  RpcReply,
  TOPICS,
} from '@funnel/contracts';
import { EventProducer } from '@funnel/kafka';
import { HEALTH_CHECKS, HealthCheck } from '@funnel/observability';
import { uniqueId, waitFor } from '@funnel/testing';
import { FunnelController } from '../src/funnel/funnel.controller';
import { RawEventsRepository } from '../src/ingest/raw-events.repository';
import { ProjectBatch } from '../src/ingest/use-cases/project-batch';
import { createProjectorBed, ProjectorBed, watchTopic } from './projector-harness';

/**
 * The projector against the real broker and ClickHouse 18.16: events produced with the kafka lib
 * land as rows, poison goes to the DLQ without stopping the partition, redelivery changes nothing,
 * and the funnel reads exact figures from the materialized views.
 */
describe('analytics-projector (Kafka → ClickHouse)', () => {
  let bed: ProjectorBed;
  let app: INestApplicationContext;
  let producer: EventProducer;

  beforeAll(async () => {
    bed = await createProjectorBed([TOPICS.clicks, TOPICS.conversions]);
    app = await bed.start();
    producer = new EventProducer(bed.kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await bed?.close();
  });

  let clickSeq = 0;
  function clickEnvelope(handle: string, campaignId: string, over: Partial<ClickRecordedV1> = {}, occurredAt = new Date()): Envelope<ClickRecordedV1> {
    const clickId = newEventId();
    return createEnvelope({
      type: ClickRecordedV1.type,
      version: ClickRecordedV1.version,
      handle,
      aggregateId: clickId,
      occurredAt,
      payload: {
        clickId,
        campaignId,
        linkSlug: 'promo',
        visitorId: `v${++clickSeq}`,
        userAgent: 'Mozilla/5.0 (test)',
        referrer: '',
        source: 'email',
        country: 'US',
        device: 'mobile',
        isBot: false,
        botReason: null,
        variantId: null,
        ...over,
      },
    });
  }

  function conversionEnvelope(
    handle: string,
    type: typeof ConversionRecordedV1.type | typeof ConversionTestedV1.type,
    campaignId: string | null,
    value: number,
  ): Envelope<ConversionRecordedV1> {
    const conversionId = newEventId();
    return createEnvelope({
      type,
      version: 1,
      handle,
      aggregateId: conversionId,
      payload: {
        conversionId,
        campaignId,
        clickId: null,
        orderId: null,
        eventType: 'purchase',
        value,
        currency: 'USD',
        metadata: {},
        test: type === ConversionTestedV1.type,
      },
    });
  }

  async function countRows(table: string, handle: string): Promise<number> {
    const [row] = await bed.clickhouse.query<{ n: string }>(sql`SELECT count() AS n FROM ${identifier(table)} WHERE handle = ${handle}`);
    return toNumber(row.n);
  }

  const waitForRows = (table: string, handle: string, n: number) =>
    waitFor(() => countRows(table, handle), (count) => count >= n, { timeoutMs: 60000, what: `${n} ${table} rows of ${handle}` });

  /**
   * 18.16 makes a raw part visible before the parts its views write for the same insert: wait until
   * the views the funnel reads show at least this much (an overcount still fails the exact checks).
   */
  const waitForViews = (handle: string, clicks: number, conversions: number) =>
    waitFor(
      async () => {
        const reply = await app.get(FunnelController).funnel({ handle, requestId: uniqueId('wait'), actor: { sub: 'u', role: 'CREATOR' }, params: {}, body: {} });
        return reply.ok ? reply.data.aggregate : undefined;
      },
      (a) =>
        a !== undefined &&
        a.clicks >= clicks &&
        a.conversions >= conversions &&
        (['source', 'country', 'device'] as const).every((d) => (a.breakdown[d] as Array<{ count: number }>).reduce((sum, r) => sum + r.count, 0) >= clicks),
      { timeoutMs: 30000, what: `the views of ${handle} to show ${clicks} clicks and ${conversions} conversions` },
    );

  it('boots with a migrated schema and healthy dependencies', async () => {
    const checks = app.get<HealthCheck[]>(HEALTH_CHECKS);
    expect(checks.map((c) => c.name).sort()).toEqual(['clickhouse', 'kafka']);
    for (const check of checks) await expect(check.check()).resolves.toBeUndefined();
    const [migrations] = await bed.clickhouse.query<{ n: string }>(sql`SELECT count() AS n FROM schema_migrations`);
    expect(toNumber(migrations.n)).toBeGreaterThanOrEqual(5);
  });

  it('stores a click produced with the kafka lib as a ClickHouse row with its Kafka position', async () => {
    const handle = uniqueId('pj');
    const envelope = clickEnvelope(handle, 'spring-launch', { source: "it's \\ 'quoted'", country: '', isBot: true, botReason: 'ua', device: 'bot' });
    await producer.publish(TOPICS.clicks, handle, envelope);
    await waitForRows(CH_TABLES.clicks, handle, 1);
    const rows = await bed.clickhouse.query<Record<string, string | number>>(sql`
      SELECT event_id, click_id, campaign_id, source, country, device, is_bot, bot_reason, toUnixTimestamp(occurred_at) AS occurred, kafka_topic, kafka_partition, kafka_offset
      FROM ${identifier(CH_TABLES.clicks)} WHERE handle = ${handle}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event_id: envelope.eventId,
      click_id: envelope.payload.clickId,
      campaign_id: 'spring-launch',
      source: "it's \\ 'quoted'",
      country: '',
      device: 'bot',
      is_bot: 1,
      bot_reason: 'ua',
      occurred: Math.floor(Date.parse(envelope.occurredAt) / 1000),
      kafka_topic: TOPICS.clicks,
    });
    const start = bed.startOffsets.get(TOPICS.clicks)!.find((p) => p.partition === rows[0].kafka_partition)!;
    expect(BigInt(rows[0].kafka_offset)).toBeGreaterThanOrEqual(BigInt(start.offset));
  });

  it('parks a malformed click on the DLQ with its error and goes on with the next message', async () => {
    const handle = uniqueId('pj');
    const dlq = await watchTopic(bed.kafka, dlqTopic(TOPICS.clicks));
    try {
      const garbage = `{"not":"an envelope","marker":"${handle}"}`;
      // Same key: same partition, so the valid click comes after the poison one.
      await producer.send(TOPICS.clicks, [{ key: handle, value: garbage }]);
      const valid = clickEnvelope(handle, 'spring-launch');
      await producer.publish(TOPICS.clicks, handle, valid);

      await waitForRows(CH_TABLES.clicks, handle, 1);
      const parked = await waitFor(
        async () => dlq.messages.filter((m) => m.value?.toString() === garbage),
        (found) => found.length > 0,
        { timeoutMs: 60000, what: 'the malformed click on the DLQ' },
      );
      const headers = parked[0].headers ?? {};
      expect(String(headers['x-error'])).toMatch(/eventId|type|version/);
      expect(String(headers['x-original-topic'])).toBe(TOPICS.clicks);
      expect(parked[0].key?.toString()).toBe(handle);
      const [row] = await bed.clickhouse.query<{ event_id: string }>(sql`SELECT event_id FROM ${identifier(CH_TABLES.clicks)} WHERE handle = ${handle}`);
      expect(row.event_id).toBe(valid.eventId);
    } finally {
      await dlq.stop();
    }
  });

  it('does not insert a redelivered batch (same offsets) twice', async () => {
    const handle = uniqueId('pj');
    const projectBatch = app.get(ProjectBatch);
    // A partition the topic does not have, so the live consumer's offsets are not disturbed.
    const batch = [0, 1, 2].map((i) => ({
      topic: TOPICS.clicks,
      partition: 999,
      offset: String(40 + i),
      value: Buffer.from(JSON.stringify(clickEnvelope(handle, 'spring-launch'))),
    }));
    expect((await projectBatch.execute(batch)).map((o) => o.kind)).toEqual(['ok', 'ok', 'ok']);
    // What a crash between insert and commit looks like: a new process, the same batch again.
    projectBatch.onPartitionsAssigned();
    // Ruled out by the offsets stored in ClickHouse (not merely by event id).
    expect(await projectBatch.execute(batch)).toEqual(batch.map(() => ({ kind: 'drop', reason: 'already stored in ClickHouse' })));
    expect(await countRows(CH_TABLES.clicks, handle)).toBe(3);
  });

  it('counts exactly in the funnel, leaving out bots, test and unattributed conversions', async () => {
    const handle = uniqueId('pj');
    const clicks = [
      clickEnvelope(handle, 'spring', { source: 'email', country: 'US', device: 'mobile' }),
      clickEnvelope(handle, 'spring', { source: 'email', country: 'GB', device: 'desktop' }),
      clickEnvelope(handle, 'spring', { source: 'social', country: '', device: 'mobile' }),
      clickEnvelope(handle, 'spring', { source: 'email', country: 'US', device: 'mobile' }),
      clickEnvelope(handle, 'spring', { source: 'direct', country: 'US', device: 'bot', isBot: true, botReason: 'ua' }),
      clickEnvelope(handle, 'autumn', { source: 'email', country: 'DE', device: 'tablet' }, new Date(Date.now() - 3 * 3600_000)),
      clickEnvelope(handle, 'autumn', { source: 'email', country: 'DE', device: 'tablet' }, new Date(Date.now() - 3 * 3600_000)),
    ];
    for (const c of clicks) await producer.publish(TOPICS.clicks, handle, c);
    const conversions = [
      conversionEnvelope(handle, ConversionRecordedV1.type, 'spring', 19.99),
      conversionEnvelope(handle, ConversionRecordedV1.type, 'spring', 0.01),
      conversionEnvelope(handle, ConversionRecordedV1.type, 'spring', 120.505),
      conversionEnvelope(handle, ConversionTestedV1.type, 'spring', 99.99),
      conversionEnvelope(handle, ConversionRecordedV1.type, null, 1000),
      conversionEnvelope(handle, ConversionRecordedV1.type, 'autumn', 5.5),
    ];
    for (const c of conversions) await producer.publish(TOPICS.conversions, handle, c);
    await waitForRows(CH_TABLES.clicks, handle, clicks.length);
    await waitForRows(CH_TABLES.conversions, handle, conversions.length);
    await waitForViews(handle, clicks.length, 4);

    const controller = app.get(FunnelController);
    const ask = async (body: Record<string, string>) => {
      const reply: RpcReply<FunnelResult> = await controller.funnel({ handle, requestId: 'r1', actor: { sub: 'u', role: 'CREATOR' }, params: {}, body });
      if (!reply.ok) throw new Error(JSON.stringify(reply.error));
      return reply.data;
    };

    const one = await ask({ funnel: 'true', campaignId: 'spring' });
    expect(one.aggregate).toBeUndefined();
    expect(one.funnel).toHaveLength(1);
    const spring = one.funnel[0];
    expect(spring).toMatchObject({ campaignId: 'spring', clicks: 5, qualifiedClicks: 4, conversions: 3, revenue: 140.51 });
    expect(spring.confidence).toBeGreaterThanOrEqual(0);
    expect(spring.confidence).toBeLessThanOrEqual(100);
    expect(spring.breakdown).toEqual({
      source: [{ source: 'email', count: 3 }, { source: 'direct', count: 1 }, { source: 'social', count: 1 }],
      country: [{ country: 'US', count: 3 }, { country: 'GB', count: 1 }, { country: 'unknown', count: 1 }],
      device: [{ device: 'mobile', count: 3 }, { device: 'bot', count: 1 }, { device: 'desktop', count: 1 }],
    });
    expect(spring.lastSeenAt).toBe(new Date(Math.max(...clicks.slice(0, 5).map((c) => Math.floor(Date.parse(c.occurredAt) / 1000) * 1000))).toISOString());

    const all = await ask({});
    expect(all.funnel.map((f) => [f.campaignId, f.clicks, f.qualifiedClicks, f.conversions, f.revenue])).toEqual([
      ['spring', 5, 4, 3, 140.51],
      ['autumn', 2, 2, 1, 5.5],
    ]);
    expect(all.aggregate).toMatchObject({ campaignId: null, clicks: 7, qualifiedClicks: 6, conversions: 4, revenue: 146.01, lastSeenAt: spring.lastSeenAt });
    for (const dim of ['source', 'country', 'device'] as const) {
      expect((all.aggregate!.breakdown[dim] as Array<{ count: number }>).reduce((a, r) => a + r.count, 0)).toBe(7);
    }

    const quiet = await ask({ campaignId: 'never-clicked' });
    expect(quiet.funnel).toEqual([
      expect.objectContaining({ campaignId: 'never-clicked', clicks: 0, conversions: 0, revenue: 0, confidence: 0, lastSeenAt: null }),
    ]);
    const stranger = await controller.funnel({ handle: uniqueId('pj'), requestId: 'r2', actor: { sub: 'u', role: 'CREATOR' }, params: {}, body: { campaignId: 'spring' } });
    expect(stranger).toMatchObject({ ok: true, data: { funnel: [{ campaignId: 'spring', clicks: 0, conversions: 0 }] } });
    const bad = await controller.funnel({ handle, requestId: 'r3', actor: { sub: 'u', role: 'CREATOR' }, params: {}, body: { campaignId: "x'; DROP TABLE clicks; --" } });
    expect(bad).toMatchObject({ ok: false, error: { status: 400, error: 'invalid_campaign_id' } });
  });

  it('changes nothing when Kafka redelivers everything after a restart, and resumes', async () => {
    const handle = uniqueId('pj');
    const first = [0, 1, 2].map(() => clickEnvelope(handle, 'spring'));
    for (const c of first) await producer.publish(TOPICS.clicks, handle, c);
    await producer.publish(TOPICS.conversions, handle, conversionEnvelope(handle, ConversionRecordedV1.type, 'spring', 10));
    await waitForRows(CH_TABLES.clicks, handle, 3);
    await waitForRows(CH_TABLES.conversions, handle, 1);

    // Stop, move the group's committed offsets back to where the test began, start again.
    await app.close();
    await bed.rewind();
    const lookups = jest.spyOn(RawEventsRepository.prototype, 'storedEventIds');
    app = await bed.start();

    // Same key, same partition: once this one is stored, everything before it was seen again.
    const after = clickEnvelope(handle, 'spring');
    await producer.publish(TOPICS.clicks, handle, after);
    await waitForRows(CH_TABLES.clicks, handle, 4);
    await producer.publish(TOPICS.conversions, handle, conversionEnvelope(handle, ConversionRecordedV1.type, 'spring', 1));
    await waitForRows(CH_TABLES.conversions, handle, 2);
    await waitForViews(handle, 4, 2);

    expect(await countRows(CH_TABLES.clicks, handle)).toBe(4);
    expect(await countRows(CH_TABLES.conversions, handle)).toBe(2);
    // The stored offsets alone kept the redelivered events out: none was even looked up by id.
    const looked = new Set(lookups.mock.calls.flatMap(([, events]) => events.map((e) => e.event_id)));
    lookups.mockRestore();
    for (const c of first) expect(looked.has(c.eventId)).toBe(false);
    expect(looked.has(after.eventId)).toBe(true);
    const [rollup] = await bed.clickhouse.query<{ n: string }>(
      sql`SELECT countMerge(clicks) AS n FROM ${identifier(CH_TABLES.campaignClicksHourly)} WHERE handle = ${handle}`,
    );
    expect(toNumber(rollup.n)).toBe(4);
    const reply = await app.get(FunnelController).funnel({ handle, requestId: 'r4', actor: { sub: 'u', role: 'CREATOR' }, params: {}, body: { campaignId: 'spring' } });
    expect(reply).toMatchObject({ ok: true, data: { funnel: [{ clicks: 4, conversions: 2, revenue: 11 }] } });
  });
});
