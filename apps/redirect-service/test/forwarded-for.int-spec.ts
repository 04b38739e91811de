import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import { MAX_FORWARDED_LENGTH } from '@funnel/config';
import { ClickRecordedV1, CONTEXT_PARAM, parseEnvelopes, snapshotKey, TOPICS } from '@funnel/contracts';
import { createKafka, ensureTopics, EventProducer } from '@funnel/kafka';
import { bootstrapService } from '@funnel/observability';
import { getInfra, uniqueId, waitFor } from '@funnel/testing';
import { AppModule } from '../src/app.module';
import { MAX_REFERRER, MAX_SOURCE, MAX_USER_AGENT } from '../src/redirect/click-context';
import { countryOfIp, loadGeoIp } from '../src/redirect/geo-ip';
import { campaignSnapshot, linkSnapshot } from './fixtures';

/**
 * Hostile visitors against a running redirect edge: X-Forwarded-For rotation cannot escape the
 * click-rate verdict nor pick the GeoIP country, a trusted proxy's hop is read from the right, and
 * oversized header values are answered without growing what the edge records or remembers.
 * Two edges run side by side: one trusting no proxy (the default), one trusting a single hop.
 */
const RATE_LIMIT = 5;
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
/** Public addresses with distinct GeoIP countries (checked in beforeAll against the shipped database). */
const ADDRESSES = ['8.8.8.8', '81.2.69.142', '5.9.0.1', '185.60.216.35', '2.16.0.1', '89.160.20.112', '175.16.199.1', '77.88.8.8'];

describe('redirect edge under hostile X-Forwarded-For and oversized headers', () => {
  const handle = uniqueId('xff');
  const spool = mkdtempSync(join(tmpdir(), 'redirect-xff-'));
  const linkKey = snapshotKey(handle, 'go');
  const campaignKey = snapshotKey(handle, 'xff-campaign');
  const saved = { ...process.env };
  let kafka: Kafka;
  let producer: EventProducer;
  let clicks: Consumer;
  const recorded = new Map<string, ClickRecordedV1>();
  let direct: { app: INestApplication; base: string };
  let behindProxy: { app: INestApplication; base: string };

  async function boot(name: string, trustedProxies: string): Promise<{ app: INestApplication; base: string }> {
    Object.assign(process.env, { TRUSTED_PROXIES: trustedProxies, REDIRECT_SPOOL_DIR: join(spool, name) });
    const app = await bootstrapService({ service: 'redirect-service', module: AppModule, port: 0, host: '127.0.0.1', trustedProxies });
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await waitFor(
      async () => (await (await fetch(`${base}/health`)).json()) as { dependencies: Record<string, { status: string }> },
      (h) => h.dependencies.linkTable?.status === 'up' && h.dependencies.clicks?.status === 'up',
      // Ready means every snapshot published before the start is loaded, this test's link included.
      { what: `${name} edge ready`, timeoutMs: 60000 },
    );
    return { app, base };
  }

  /** One visit; returns the click id the edge put in the Location. */
  async function visit(base: string, headers: Record<string, string>, query = ''): Promise<string> {
    const res = await fetch(`${base}/${handle}/go${query}`, { redirect: 'manual', headers: { 'user-agent': BROWSER, ...headers } });
    expect(res.status).toBe(302);
    const clickId = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get(CONTEXT_PARAM);
    expect(clickId).toMatch(/^[0-9a-f-]{36}$/);
    return clickId as string;
  }

  const eventsOf = (ids: string[]) =>
    waitFor(async () => ids.map((id) => recorded.get(id)), (events) => events.every(Boolean), { what: `${ids.length} click events`, timeoutMs: 30000 }) as Promise<
      ClickRecordedV1[]
    >;

  beforeAll(async () => {
    loadGeoIp();
    const countries = ADDRESSES.map((a) => countryOfIp(a));
    expect(new Set(countries).size).toBe(ADDRESSES.length); // every address tells its own country
    expect(countries).not.toContain('');

    const infra = await getInfra();
    Object.assign(process.env, {
      KAFKA_BROKERS: infra.kafkaBrokers,
      BOT_RATE_MAX_CLICKS: String(RATE_LIMIT),
      // One long window: the verdict must not depend on when the test crosses a window boundary.
      BOT_RATE_WINDOW_MS: '3600000',
      CLICK_FLUSH_INTERVAL_MS: '20',
      LOG_LEVEL: 'warn',
    });
    kafka = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, 'redirect-xff-spec');
    await ensureTopics(kafka);
    producer = new EventProducer(kafka);
    await producer.connect();
    await producer.send(TOPICS.campaignSnapshots, [{ key: campaignKey, value: JSON.stringify(campaignSnapshot({ handle, campaignId: 'xff-campaign', status: 'ACTIVE' })) }]);
    await producer.send(TOPICS.linkSnapshots, [{ key: linkKey, value: JSON.stringify(linkSnapshot({ handle, slug: 'go', campaignId: 'xff-campaign', destinationUrl: 'https://shop.example.com/x' })) }]);

    const admin = kafka.admin();
    await admin.connect();
    const start = await admin.fetchTopicOffsets(TOPICS.clicks);
    await admin.disconnect();
    clicks = kafka.consumer({ groupId: uniqueId('redirect-xff-clicks-') });
    await clicks.connect();
    await clicks.subscribe({ topics: [TOPICS.clicks], fromBeginning: true });
    await clicks.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const parsed = parseEnvelopes(message.value, { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 });
        if (!parsed.ok) return;
        for (const e of parsed.envelopes) if (e.handle === handle) recorded.set(e.payload.clickId, e.payload);
      },
    });
    for (const p of start) clicks.seek({ topic: TOPICS.clicks, partition: p.partition, offset: p.offset });

    direct = await boot('direct', '');
    behindProxy = await boot('proxied', '1');
  }, 150000);

  afterAll(async () => {
    await direct?.app.close();
    await behindProxy?.app.close();
    await clicks?.disconnect();
    if (producer) {
      await producer.send(TOPICS.linkSnapshots, [{ key: linkKey, value: null }]);
      await producer.send(TOPICS.campaignSnapshots, [{ key: campaignKey, value: null }]);
      await producer.disconnect();
    }
    process.env = saved;
    rmSync(spool, { recursive: true, force: true });
  });

  it('trusting no proxy: rotating X-Forwarded-For neither escapes the click-rate verdict nor chooses the country', async () => {
    const ids: string[] = [];
    // These are the only clicks this edge sees, all from one socket address.
    for (let i = 0; i < RATE_LIMIT + 3; i++) ids.push(await visit(direct.base, { 'x-forwarded-for': ADDRESSES[i % ADDRESSES.length] }));
    const events = await eventsOf(ids);
    expect(events.map((e) => e.botReason)).toEqual([...Array(RATE_LIMIT).fill(null), ...Array(3).fill('click_rate')]);
    // The peer is loopback: no GeoIP country, whatever the header claims.
    expect(events.map((e) => e.country)).toEqual(Array(RATE_LIMIT + 3).fill(''));
  });

  it('trusting one hop: the rightmost X-Forwarded-For entry is the client, the rest is ignored', async () => {
    const [left, right] = [ADDRESSES[0], ADDRESSES[1]];
    const [a, b] = await eventsOf([
      await visit(behindProxy.base, { 'x-forwarded-for': `${left}, ${right}` }),
      await visit(behindProxy.base, { 'x-forwarded-for': `${right}, ${left}` }),
    ]);
    expect([a.country, b.country]).toEqual([countryOfIp(right), countryOfIp(left)]);

    // Rotating what the visitor wrote (left of the proxy's entry) does not escape the verdict...
    const client = ADDRESSES[2];
    const rotatingLeft: string[] = [];
    for (let i = 0; i < RATE_LIMIT + 2; i++) rotatingLeft.push(await visit(behindProxy.base, { 'x-forwarded-for': `${ADDRESSES[(i + 3) % ADDRESSES.length]}, ${client}` }));
    const flagged = await eventsOf(rotatingLeft);
    expect(flagged.map((e) => e.botReason)).toEqual([...Array(RATE_LIMIT).fill(null), 'click_rate', 'click_rate']);
    expect(new Set(flagged.map((e) => e.country))).toEqual(new Set([countryOfIp(client)]));
  });

  it('answers oversized header values normally and records them capped', async () => {
    const target = ADDRESSES[3];
    const long = (n: number) => 'a'.repeat(n);
    // Each request stays under Node's 16 KB header limit (see the last case for what lies beyond).
    const id = await visit(
      behindProxy.base,
      { 'user-agent': `${BROWSER} ${long(6000)}`, referer: `https://ref.example.com/${long(4000)}`, 'x-forwarded-for': target },
      `?utm_source=${long(3000)}`,
    );
    // X-Forwarded-For far longer than the edge reads: it keeps the right end, whole entries only.
    const garbage = Array.from({ length: 1000 }, (_, i) => `junk-${i}`).join(', ');
    expect(garbage.length).toBeGreaterThan(8 * MAX_FORWARDED_LENGTH);
    const longForwarded = await visit(behindProxy.base, { 'x-forwarded-for': `${garbage}, ${target}` });
    const [capped, rightmost] = await eventsOf([id, longForwarded]);
    expect(capped.userAgent.length).toBe(MAX_USER_AGENT);
    expect(capped.referrer.length).toBe(MAX_REFERRER);
    expect(capped.source.length).toBe(MAX_SOURCE);
    expect(capped.country).toBe(countryOfIp(target));
    expect(rightmost.country).toBe(countryOfIp(target));

    // 100 KB of X-Forwarded-For is past Node's header limit (16 KB): a clean 431, nothing recorded,
    // and the edge goes on serving.
    const huge = await fetch(`${behindProxy.base}/${handle}/go`, { redirect: 'manual', headers: { 'x-forwarded-for': long(100 * 1024) } });
    expect(huge.status).toBe(431);
    expect((await fetch(`${behindProxy.base}/health`)).status).toBe(200);
  });

  it('keys the click-rate window by valid addresses only: rotating junk counts as the peer', async () => {
    // Junk entries are not addresses: the walk stops at the peer (loopback), so no junk becomes a key
    // of the window, and the peer's count reaches the limit as if no header had been sent.
    const ids: string[] = [];
    for (let i = 0; i < RATE_LIMIT + 2; i++) ids.push(await visit(behindProxy.base, { 'x-forwarded-for': `${uniqueId('not-an-ip-')}${'z'.repeat(900)}` }));
    const events = await eventsOf(ids);
    expect(events.map((e) => e.botReason)).toEqual([...Array(RATE_LIMIT).fill(null), 'click_rate', 'click_rate']);
    expect(events.map((e) => e.country)).toEqual(Array(RATE_LIMIT + 2).fill(''));
  });
});
