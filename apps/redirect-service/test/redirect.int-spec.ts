import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import { ClickRecordedV1, CONTEXT_PARAM, Envelope, parseEnvelopes, snapshotKey, TOPICS } from '@funnel/contracts';
import { createKafka, ensureTopics, EventProducer } from '@funnel/kafka';
import { bootstrapService } from '@funnel/observability';
import { getInfra, uniqueId, waitFor } from '@funnel/testing';
import { AppModule } from '../src/app.module';
import { ClickPipeline } from '../src/clicks/clicks.module';
import { campaignSnapshot, linkSnapshot, ruleSnapshot } from './fixtures';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UUID_V7 = '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

const UA = {
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
};

interface SeenClick {
  key: string | null;
  eventType: string | undefined;
  envelope: Envelope<ClickRecordedV1>;
}

describe('redirect-service against real Kafka', () => {
  const handle = uniqueId('redir');
  const destination = 'https://shop.example.com/spring?ref=x#top';
  const keys = { links: [] as string[], campaigns: [] as string[], rules: [] as string[] };
  const spoolDir = mkdtempSync(join(tmpdir(), 'redirect-int-spool-'));
  let kafka: Kafka;
  let producer: EventProducer;
  let clicksConsumer: Consumer;
  let app: INestApplication | undefined;
  let base: string;
  const seen: SeenClick[] = [];

  async function putLink(snapshot: ReturnType<typeof linkSnapshot>): Promise<void> {
    const key = snapshotKey(snapshot.handle, snapshot.slug);
    keys.links.push(key);
    await producer.send(TOPICS.linkSnapshots, [{ key, value: JSON.stringify(snapshot) }]);
  }

  async function putCampaign(snapshot: ReturnType<typeof campaignSnapshot>): Promise<void> {
    const key = snapshotKey(snapshot.handle, snapshot.campaignId);
    keys.campaigns.push(key);
    await producer.send(TOPICS.campaignSnapshots, [{ key, value: JSON.stringify(snapshot) }]);
  }

  async function putRule(snapshot: ReturnType<typeof ruleSnapshot>): Promise<void> {
    const key = snapshotKey(snapshot.handle, snapshot.ruleId);
    keys.rules.push(key);
    await producer.send(TOPICS.ruleSnapshots, [{ key, value: JSON.stringify(snapshot) }]);
  }

  const get = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { redirect: 'manual', ...init });
  const clickIdOf = (location: string | null) => new URL(location ?? 'http://x/').searchParams.get(CONTEXT_PARAM);

  beforeAll(async () => {
    const infra = await getInfra();
    process.env.KAFKA_BROKERS = infra.kafkaBrokers;
    // Long enough that the last test proves shutdown drains the queue rather than the timer.
    process.env.CLICK_FLUSH_INTERVAL_MS = '1000';
    process.env.REDIRECT_SPOOL_DIR = spoolDir;
    kafka = createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, 'redirect-int-spec');
    await ensureTopics(kafka);
    producer = new EventProducer(kafka);
    await producer.connect();

    // State published before the service starts: readiness must mean it is all loaded.
    await putCampaign(campaignSnapshot({ handle, campaignId: 'spring-launch', status: 'ACTIVE' }));
    await putLink(linkSnapshot({ handle, slug: 'spring', campaignId: 'spring-launch', destinationUrl: destination, version: 2 }));
    await putLink(linkSnapshot({ handle, slug: 'spring', campaignId: 'spring-launch', destinationUrl: 'https://stale.example.com/', version: 1 }));
    await putCampaign(campaignSnapshot({ handle, campaignId: 'paused-one', status: 'PAUSED' }));
    await putLink(linkSnapshot({ handle, slug: 'paused', campaignId: 'paused-one', destinationUrl: 'https://paused.example.com/p' }));
    await putCampaign(campaignSnapshot({ handle, campaignId: 'fr-launch', status: 'ACTIVE' }));
    await putLink(linkSnapshot({ handle, slug: 'perso', campaignId: 'fr-launch', destinationUrl: 'https://shop.example.com/default' }));
    await putRule(ruleSnapshot({ handle, ruleId: 'fr-mobile', priority: 5, when: { countryIn: ['FR'], deviceIn: ['mobile'] }, variant: { id: 'v-fr-mobile', destinationUrl: 'https://fr.example.com/m' } }));
    keys.links.push(snapshotKey(handle, 'broken'));
    await producer.send(TOPICS.linkSnapshots, [{ key: snapshotKey(handle, 'broken'), value: '{"schema":"link-snapshot.v1"' }]);

    // Collect every click of this test's handle, starting from the end of the topic as it is now.
    const admin = kafka.admin();
    await admin.connect();
    const start = await admin.fetchTopicOffsets(TOPICS.clicks);
    await admin.disconnect();
    clicksConsumer = kafka.consumer({ groupId: uniqueId('redirect-int-clicks-') });
    await clicksConsumer.connect();
    await clicksConsumer.subscribe({ topics: [TOPICS.clicks], fromBeginning: true });
    await clicksConsumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const parsed = parseEnvelopes(message.value, { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 });
        if (!parsed.ok) return; // not this test's: other suites may put poison on the topic
        for (const envelope of parsed.envelopes) {
          if (envelope.handle !== handle) continue;
          seen.push({ key: message.key?.toString() ?? null, eventType: message.headers?.['event-type']?.toString(), envelope });
        }
      },
    });
    for (const p of start) clicksConsumer.seek({ topic: TOPICS.clicks, partition: p.partition, offset: p.offset });

    app = await bootstrapService({ service: 'redirect-service', module: AppModule, port: 0, host: '127.0.0.1' });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await waitFor(
      async () => (await (await fetch(`${base}/health`)).json()) as { dependencies: Record<string, { status: string }> },
      (h) => h.dependencies.linkTable?.status === 'up' && h.dependencies.clicks?.status === 'up',
      { what: 'redirect-service /health to report linkTable up', timeoutMs: 60000 },
    );
  });

  afterAll(async () => {
    await app?.close();
    await clicksConsumer?.disconnect();
    // Leave no test links behind in the compacted topics: every redirect instance would load them.
    if (producer) {
      await producer.send(TOPICS.linkSnapshots, keys.links.map((key) => ({ key, value: null })));
      await producer.send(TOPICS.campaignSnapshots, keys.campaigns.map((key) => ({ key, value: null })));
      await producer.send(TOPICS.ruleSnapshots, keys.rules.map((key) => ({ key, value: null })));
      await producer.disconnect();
    }
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('serves everything published before startup as soon as /health says linkTable is up, newest version wins', async () => {
    const health = await (await fetch(`${base}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', service: 'redirect-service', dependencies: { linkTable: { status: 'up' }, clicks: { status: 'up' } } });
    const res = await get(`/${handle}/paused`);
    expect(res.status).toBe(302);
    const spring = await get(`/${handle}/spring`, { headers: { 'user-agent': UA.windows } });
    expect(spring.headers.get('location')).toMatch(/^https:\/\/shop\.example\.com\/spring\?ref=x&/);
    // Let this click land before the next test counts clicks.
    const clickId = clickIdOf(spring.headers.get('location'));
    await waitFor(async () => seen.some((c) => c.envelope.payload.clickId === clickId), Boolean, { what: 'first click' });
  });

  it('redirects with the click id and produces exactly one click.recorded per request, with the request context', async () => {
    const before = seen.filter((c) => c.envelope.payload.linkSlug === 'spring').length;
    const requests: Array<{ path: string; init: RequestInit; expect: Partial<ClickRecordedV1>; newVisitor: boolean }> = [
      {
        path: '?utm_source=Newsletter',
        init: { headers: { 'user-agent': UA.iphone, 'cf-ipcountry': 'us' } },
        expect: { source: 'newsletter', country: 'US', device: 'mobile', isBot: false, botReason: null, userAgent: UA.iphone },
        newVisitor: true,
      },
      {
        path: '',
        init: { headers: { 'user-agent': UA.windows, referer: 'https://www.google.com/search?q=x', 'cf-ipcountry': 'XX', cookie: 'a=1; fnl_vid=visitor-fixed' } },
        expect: { source: 'search', country: '', device: 'desktop', isBot: false, visitorId: 'visitor-fixed', referrer: 'https://www.google.com/search?q=x' },
        newVisitor: false,
      },
      {
        path: '',
        init: { headers: { 'user-agent': UA.googlebot } },
        expect: { source: 'direct', device: 'bot', isBot: true, botReason: 'crawler_user_agent' },
        newVisitor: true,
      },
      {
        path: '',
        init: { headers: { 'user-agent': '' } },
        expect: { device: 'other', isBot: true, botReason: 'empty_user_agent', userAgent: '' },
        newVisitor: true,
      },
      {
        path: '',
        init: { method: 'HEAD', headers: { 'user-agent': UA.mac } },
        expect: { device: 'desktop', isBot: true, botReason: 'head_request' },
        newVisitor: true,
      },
      {
        path: '?utm_source=Email&utm_medium=x',
        init: { headers: { 'user-agent': UA.ipad, 'cf-ipcountry': 'gb' } },
        expect: { source: 'email', country: 'GB', device: 'tablet', isBot: false },
        newVisitor: true,
      },
    ];

    const issued: Array<{ clickId: string; visitorId: string | null; expect: Partial<ClickRecordedV1> }> = [];
    for (const r of requests) {
      const res = await get(`/${handle}/spring${r.path}`, r.init);
      expect(res.status).toBe(302);
      const location = res.headers.get('location');
      expect(location).toMatch(new RegExp(`^https://shop\\.example\\.com/spring\\?ref=x&${CONTEXT_PARAM}=${UUID_V7}#top$`));
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const cookie = res.headers.get('set-cookie');
      if (r.newVisitor) expect(cookie).toMatch(/^fnl_vid=[0-9a-f-]{36}; Max-Age=34560000; Path=\/; HttpOnly; SameSite=Lax$/);
      else expect(cookie).toBeNull();
      issued.push({ clickId: clickIdOf(location) as string, visitorId: cookie ? cookie.split(';')[0].split('=')[1] : null, expect: r.expect });
    }

    const mine = () => seen.filter((c) => c.envelope.payload.linkSlug === 'spring').slice(before);
    await waitFor(async () => mine().length, (n) => n >= requests.length, { what: `${requests.length} clicks`, timeoutMs: 30000 });
    await sleep(1500); // anything extra (a duplicate, a stray) would show up by now
    const clicks = mine();
    expect(clicks).toHaveLength(requests.length);
    for (const i of issued) {
      const click = clicks.find((c) => c.envelope.payload.clickId === i.clickId);
      expect(click).toBeDefined();
      const { key, eventType, envelope } = click as SeenClick;
      expect(key).toBe(`${handle}/spring-launch`);
      expect(eventType).toBe('click.recorded');
      expect(envelope).toMatchObject({ type: 'click.recorded', version: 1, handle, aggregateId: i.clickId });
      expect(Date.now() - Date.parse(envelope.occurredAt)).toBeLessThan(60000);
      expect(envelope.payload).toMatchObject({ campaignId: 'spring-launch', linkSlug: 'spring', variantId: null, ...i.expect });
      if (i.visitorId) expect(envelope.payload.visitorId).toBe(i.visitorId);
    }
  });

  it('redirects a PAUSED campaign link but produces nothing for it', async () => {
    const res = await get(`/${handle}/paused`, { headers: { 'user-agent': UA.iphone } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(new RegExp(`^https://paused\\.example\\.com/p\\?${CONTEXT_PARAM}=${UUID_V7}$`));
    expect(res.headers.get('set-cookie')).toBeNull();
    // A tracked click sent afterwards shows when the paused one would have arrived too.
    const marker = clickIdOf((await get(`/${handle}/spring`, { headers: { 'user-agent': UA.iphone } })).headers.get('location'));
    await waitFor(async () => seen.some((c) => c.envelope.payload.clickId === marker), Boolean, { what: 'marker click' });
    await sleep(500);
    expect(seen.filter((c) => c.envelope.payload.linkSlug === 'paused')).toEqual([]);
  });

  it('answers 404 link_not_found for unknown or malformed links and 400 for an oversized query, recording nothing', async () => {
    const count = seen.length;
    for (const path of [`/${handle}/nope`, `/nobody-${handle}/spring`, `/${handle}/${'s'.repeat(65)}`, `/${handle}/${'s'.repeat(300)}`, `/${handle.toUpperCase()}/spring`]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ success: false, error: 'link_not_found', message: expect.any(String) });
    }
    const head = await get(`/${handle}/nope`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([404, '']);
    // Other paths and methods are Fastify's: its own 404, and the health route is untouched.
    for (const [path, method] of [[`/${handle}/spring/extra`, 'GET'], [`/${handle}/spring`, 'POST']]) {
      const res = await get(path, { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ statusCode: 404 });
    }
    const long = await get(`/${handle}/spring?utm_source=${'a'.repeat(5000)}`);
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ success: false, error: 'query_too_long' });
    await sleep(1500);
    expect(seen.length).toBe(count);
  });

  it('follows live snapshot updates: new link, new version, tombstone', async () => {
    await putLink(linkSnapshot({ handle, slug: 'late', campaignId: null, destinationUrl: 'https://late.example.com/v1', trackingPolicy: { mode: 'DIRECT', appendContextParam: false } }));
    await waitFor(async () => (await get(`/${handle}/late`)).headers.get('location'), (l) => l === 'https://late.example.com/v1', { what: 'late link v1' });
    await putLink(linkSnapshot({ handle, slug: 'late', campaignId: null, destinationUrl: 'https://late.example.com/v2', version: 2, trackingPolicy: { mode: 'DIRECT', appendContextParam: false } }));
    await waitFor(async () => (await get(`/${handle}/late`)).headers.get('location'), (l) => l === 'https://late.example.com/v2', { what: 'late link v2' });
    await producer.send(TOPICS.linkSnapshots, [{ key: snapshotKey(handle, 'late'), value: null }]);
    await waitFor(async () => (await get(`/${handle}/late`)).status, (s) => s === 404, { what: 'late link deleted' });
  });

  it('personalizes from rules loaded before readiness and records the variant on the click', async () => {
    const fr = await get(`/${handle}/perso`, { headers: { 'user-agent': UA.iphone, 'cf-ipcountry': 'FR' } });
    const location = fr.headers.get('location');
    expect(location).toMatch(new RegExp(`^https://fr\\.example\\.com/m\\?${CONTEXT_PARAM}=${UUID_V7}$`));
    const other = await get(`/${handle}/perso`, { headers: { 'user-agent': UA.windows, 'cf-ipcountry': 'FR' } });
    expect(other.headers.get('location')).toMatch(/^https:\/\/shop\.example\.com\/default\?/);
    const clickId = clickIdOf(location);
    const click = await waitFor(async () => seen.find((c) => c.envelope.payload.clickId === clickId), Boolean, { what: 'personalized click' });
    expect(click?.envelope.payload).toMatchObject({ variantId: 'v-fr-mobile', country: 'FR', device: 'mobile' });
  });

  it('serves a link change and a rule change within 1 s of publishing', async () => {
    const timeToServe = async (publish: () => Promise<void>, served: (location: string | null) => boolean): Promise<number> => {
      const started = Date.now();
      await publish();
      await waitFor(async () => (await get(`/${handle}/fresh`, { headers: { 'user-agent': UA.iphone, 'cf-ipcountry': 'DE' } })).headers.get('location'), served, {
        what: 'change served',
        timeoutMs: 5000,
        intervalMs: 20,
      });
      return Date.now() - started;
    };
    const link = (version: number, destinationUrl: string) =>
      linkSnapshot({ handle, slug: 'fresh', campaignId: null, destinationUrl, version, trackingPolicy: { mode: 'DIRECT', appendContextParam: false } });
    await putLink(link(1, 'https://fresh.example.com/v1'));
    await waitFor(async () => (await get(`/${handle}/fresh`)).status, (s) => s === 302, { what: 'fresh link' });
    const linkMs = await timeToServe(() => putLink(link(2, 'https://fresh.example.com/v2')), (l) => l === 'https://fresh.example.com/v2');
    const ruleMs = await timeToServe(
      () => putRule(ruleSnapshot({ handle, ruleId: 'de', priority: 1, when: { countryIn: ['DE'] }, variant: { id: 'v-de', destinationUrl: 'https://de.example.com/' } })),
      (l) => l === 'https://de.example.com/',
    );
    const disableMs = await timeToServe(
      () => putRule(ruleSnapshot({ handle, ruleId: 'de', enabled: false, version: 2, when: { countryIn: ['DE'] }, variant: { id: 'v-de', destinationUrl: 'https://de.example.com/' } })),
      (l) => l === 'https://fresh.example.com/v2',
    );
    expect(linkMs).toBeLessThan(1000);
    expect(ruleMs).toBeLessThan(1000);
    expect(disableMs).toBeLessThan(1000);
  });

  it('replaces a click worker that dies; clicks captured meanwhile wait and are delivered by its replacement', async () => {
    const pipeline = (app as INestApplication).get(ClickPipeline);
    const first = pipeline.workerThread;
    expect(first).toBeDefined();
    await pipeline.refreshStatus(); // nothing of earlier tests left in the dead worker's memory
    await first?.terminate();
    expect(pipeline.workerThread).toBeUndefined();
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ dependencies: { clicks: { status: 'down', error: expect.stringMatching(/click worker exited/) } } });

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await get(`/${handle}/spring`, { headers: { 'user-agent': UA.mac } });
      expect(res.status).toBe(302); // redirects never wait on the click path
      ids.push(clickIdOf(res.headers.get('location')) as string);
    }
    await waitFor(async () => (await fetch(`${base}/health`)).status, (s) => s === 200, { what: 'a replacement click worker', timeoutMs: 20000 });
    expect(pipeline.workerThread).toBeDefined();
    expect(pipeline.workerThread).not.toBe(first);
    await waitFor(async () => ids.filter((id) => seen.some((c) => c.envelope.payload.clickId === id)).length, (n) => n === ids.length, {
      what: 'the clicks captured while no worker ran',
    });
  });

  it('flushes queued clicks on shutdown instead of losing them', async () => {
    const res = await get(`/${handle}/spring`, { headers: { 'user-agent': UA.windows } });
    const clickId = clickIdOf(res.headers.get('location'));
    // The flush interval is 1 s, so the click is still queued in the click worker when the drain starts: the drain must deliver it.
    const pipeline = (app as INestApplication).get(ClickPipeline);
    expect((await pipeline.refreshStatus()).pending).toBe(1);
    await app?.close();
    app = undefined;
    expect(pipeline.status.pending).toBe(0);
    expect(pipeline.status.failure).toBeNull();
    await waitFor(async () => seen.some((c) => c.envelope.payload.clickId === clickId), Boolean, { what: 'click produced during shutdown' });
  });
});
