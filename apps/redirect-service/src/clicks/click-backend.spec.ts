import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { RedirectEnv } from '@funnel/config';
import { ClickRecordedV1, Envelope } from '@funnel/contracts';
import { CapturedClick, packClick } from './captured-click';
import { existsSync } from 'node:fs';
import { ClickBackend } from './click-backend';
import { appendSpill, handoffSpillPath } from './handoff-spill';
import type { ClickMessage, ClickTransport } from './click-sink';
import type { FromClickWorker } from './click-worker-protocol';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

class FakeTransport implements ClickTransport {
  readonly delivered: ClickMessage[] = [];
  down = false;
  closed = false;
  /** A broker that never answers a connect: the worker must be ready all the same. */
  connect(): Promise<void> {
    return this.down ? new Promise(() => undefined) : Promise.resolve();
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  async publish(batch: readonly ClickMessage[]): Promise<void> {
    if (this.down) throw new Error('broker unavailable');
    this.delivered.push(...batch);
  }
}

function captured(n: number, overrides: Partial<CapturedClick> = {}): CapturedClick {
  return {
    clickId: `0193c8a2-0000-7000-8000-${String(n).padStart(12, '0')}`,
    occurredAt: Date.UTC(2026, 1, 25, 12) + n,
    handle: 'acme',
    campaignId: 'spring-launch',
    slug: 'spring',
    visitorId: 'visitor-1',
    variantId: null,
    method: 'GET',
    userAgent: IPHONE,
    referrer: 'https://www.google.com/',
    utmSource: undefined,
    countryHeader: 'de',
    ip: '203.0.113.9',
    ...overrides,
  };
}

describe('ClickBackend (the click worker\'s pipeline)', () => {
  let dir: string;
  let transport: FakeTransport;
  let backend: ClickBackend;
  const replies: FromClickWorker[] = [];
  const reply = (m: FromClickWorker) => replies.push(m);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'click-backend-'));
    const env = Object.assign(new RedirectEnv(), {
      REDIRECT_SPOOL_DIR: dir,
      CLICK_FLUSH_INTERVAL_MS: 10_000,
      CLICK_PRODUCE_TIMEOUT_MS: 200,
      CLICK_RETRY_MAX_MS: 200,
      BOT_RATE_MAX_CLICKS: 2,
      BOT_RATE_WINDOW_MS: 60_000,
    });
    transport = new FakeTransport();
    backend = new ClickBackend({} as Kafka, env, silent, transport);
    replies.length = 0;
  });

  async function startWith(packedSpills: unknown[][] = []): Promise<void> {
    for (const packed of packedSpills) appendSpill(handoffSpillPath(dir), packed);
    await backend.start();
  }

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('turns packed clicks into click.recorded events in order, with context, bot verdict and rate window', async () => {
    await startWith();
    const packed: unknown[] = [];
    for (let i = 1; i <= 3; i++) packClick(packed, captured(i));
    packClick(packed, captured(4, { method: 'HEAD', ip: '198.51.100.1' }));
    await backend.handle({ kind: 'clicks', packed }, reply);
    await backend.handle({ kind: 'status', id: 7 }, reply);
    expect(replies).toEqual([{ kind: 'status', id: 7, status: expect.objectContaining({ pending: 4, failure: null, spoolEmpty: true }) }]);

    const { left, emptied } = await backend.drain(2000);
    expect({ left, emptied, closed: transport.closed }).toEqual({ left: 0, emptied: true, closed: true });
    const envelopes = transport.delivered.map((m) => m.envelope as Envelope<ClickRecordedV1>);
    expect(transport.delivered.map((m) => m.key)).toEqual(Array(4).fill('acme/spring-launch'));
    expect(envelopes.map((e) => e.eventId)).toEqual([1, 2, 3, 4].map((n) => captured(n).clickId));
    expect(envelopes[0]).toMatchObject({ type: 'click.recorded', version: 1, handle: 'acme', aggregateId: captured(1).clickId, occurredAt: '2026-02-25T12:00:00.001Z' });
    expect(envelopes[0].payload).toEqual({
      clickId: captured(1).clickId,
      campaignId: 'spring-launch',
      linkSlug: 'spring',
      visitorId: 'visitor-1',
      userAgent: IPHONE,
      referrer: 'https://www.google.com/',
      source: 'search',
      country: 'DE',
      device: 'mobile',
      browser: 'Mobile Safari',
      os: 'iOS',
      isBot: false,
      botReason: null,
      variantId: null,
    });
    // The third click from one address within the window is over the limit of 2; HEAD wins over rate.
    expect(envelopes.map((e) => e.payload.botReason)).toEqual([null, null, 'click_rate', 'head_request']);
  });

  it('answers a drain message once everything is delivered, spooling what Kafka does not take', async () => {
    transport.down = true;
    // Ready although the broker never answers the connect.
    await startWith();
    const packed: unknown[] = [];
    packClick(packed, captured(1));
    packClick(packed, captured(2));
    await backend.handle({ kind: 'clicks', packed }, reply);
    await backend.handle({ kind: 'drain', timeoutMs: 1000 }, reply);
    expect(replies).toHaveLength(1);
    const drained = replies[0];
    if (drained.kind !== 'drained') throw new Error(`unexpected ${drained.kind}`);
    // Nothing is lost: both clicks are in the spool for the next run.
    expect(drained).toMatchObject({ left: 0, emptied: false, status: { pending: 0, spooled: 2, spoolEmpty: false, failure: null } });
    expect(drained.status.kafkaFailure).toMatch(/broker unavailable/);
    expect(transport.delivered).toEqual([]);
  });

  it('takes what the request thread spilled before anything else, and removes the spill', async () => {
    const spilled: unknown[] = [];
    packClick(spilled, captured(1, { ip: undefined, utmSource: undefined }));
    packClick(spilled, captured(2));
    await startWith([spilled]);
    const later: unknown[] = [];
    packClick(later, captured(3));
    await backend.handle({ kind: 'clicks', packed: later }, reply);
    await backend.drain(2000);
    expect(transport.delivered.map((m) => m.envelope.eventId)).toEqual([1, 2, 3].map((n) => captured(n).clickId));
    expect(existsSync(handoffSpillPath(dir))).toBe(false);
  });
});
