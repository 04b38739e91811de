import { CapturedClick, packClick, PACKED_FIELDS, unpackClicks } from './captured-click';
import { ClickHandoff } from './click-handoff';
import type { ToClickWorker } from './click-worker-protocol';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function captured(n: number, overrides: Partial<CapturedClick> = {}): CapturedClick {
  return {
    clickId: `click-${n}`,
    occurredAt: 1_700_000_000_000 + n,
    handle: 'acme',
    campaignId: 'spring-launch',
    slug: 'spring',
    visitorId: `visitor-${n}`,
    variantId: n % 2 ? 'v1' : null,
    method: 'GET',
    userAgent: 'Mozilla/5.0 "quoted" \u00e9',
    referrer: undefined,
    utmSource: n % 3 ? 'newsletter' : undefined,
    countryHeader: 'DE',
    ip: '203.0.113.9',
    ...overrides,
  };
}

const NO_SPILL = {
  maxDetached: 1_000_000,
  spill: () => {
    throw new Error('nothing should spill');
  },
};

class Port {
  readonly messages: ToClickWorker[] = [];
  postMessage(message: ToClickWorker): void {
    // What crosses to the worker is a structured clone, as in the service.
    this.messages.push(structuredClone(message));
  }
  get clicks(): CapturedClick[] {
    return this.messages.flatMap((m) => (m.kind === 'clicks' ? unpackClicks(m.packed) : []));
  }
}

describe('packClick / unpackClicks', () => {
  it('round-trips every field, undefined and null included, in order', () => {
    const clicks = [captured(1), captured(2, { userAgent: undefined, ip: undefined, countryHeader: undefined }), captured(3)];
    const packed: unknown[] = [];
    for (const c of clicks) packClick(packed, c);
    expect(packed).toHaveLength(3 * PACKED_FIELDS);
    expect(unpackClicks(structuredClone(packed))).toEqual(clicks);
  });

  it('refuses a batch that is not whole clicks', () => {
    expect(() => unpackClicks(['a', 'b'])).toThrow(/multiple of 13/);
  });
});

describe('ClickHandoff', () => {
  it('posts a batch after the interval, in capture order', async () => {
    const port = new Port();
    const handoff = new ClickHandoff({ ...NO_SPILL, maxClicks: 100, intervalMs: 10 });
    handoff.attach(port);
    for (let i = 0; i < 5; i++) handoff.capture(captured(i));
    expect(port.messages).toHaveLength(0);
    expect(handoff.pending).toBe(5);
    await sleep(30);
    expect(port.messages).toHaveLength(1);
    expect(port.clicks.map((c) => c.clickId)).toEqual(['click-0', 'click-1', 'click-2', 'click-3', 'click-4']);
    expect(handoff.pending).toBe(0);
  });

  it('posts at once when a batch is full', () => {
    const port = new Port();
    const handoff = new ClickHandoff({ ...NO_SPILL, maxClicks: 3, intervalMs: 10_000 });
    handoff.attach(port);
    for (let i = 0; i < 7; i++) handoff.capture(captured(i));
    expect(port.messages).toHaveLength(2);
    expect(handoff.pending).toBe(1);
    handoff.flush();
    expect(port.clicks).toHaveLength(7);
  });

  it('keeps clicks while no worker is attached and hands them to the next one', async () => {
    const first = new Port();
    const handoff = new ClickHandoff({ ...NO_SPILL, maxClicks: 2, intervalMs: 5 });
    handoff.attach(first);
    handoff.capture(captured(1));
    handoff.capture(captured(2));
    handoff.attach(null);
    for (let i = 3; i <= 6; i++) handoff.capture(captured(i));
    await sleep(20);
    expect(handoff.pending).toBe(4);
    const second = new Port();
    handoff.attach(second);
    expect(handoff.pending).toBe(0);
    expect(first.clicks.map((c) => c.clickId)).toEqual(['click-1', 'click-2']);
    expect(second.clicks.map((c) => c.clickId)).toEqual(['click-3', 'click-4', 'click-5', 'click-6']);
  });

  it('spills what it holds past maxDetached while no worker is attached, and keeps memory bounded', () => {
    const spilled: unknown[][] = [];
    const handoff = new ClickHandoff({ maxClicks: 2, intervalMs: 5, maxDetached: 3, spill: (packed) => spilled.push(structuredClone(packed)) });
    for (let i = 1; i <= 7; i++) handoff.capture(captured(i));
    expect(spilled.map((p) => unpackClicks(p).map((c) => c.clickId))).toEqual([
      ['click-1', 'click-2', 'click-3'],
      ['click-4', 'click-5', 'click-6'],
    ]);
    expect(handoff.pending).toBe(1);
    expect(handoff.spilled).toBe(6);
    const port = new Port();
    handoff.attach(port);
    expect(port.clicks.map((c) => c.clickId)).toEqual(['click-7']);
  });
});
