import {
  AnalyticsGranularity,
  ClickRecordedV1,
  ConversionRecordedV1,
  ConversionTestedV1,
  createEnvelope,
  DEVICE_CLASSES,
  DeviceClass,
  encodeEventBatch,
  Envelope,
  zoneOffsetMinutes,
} from '@funnel/contracts';
import { OutgoingMessage } from '@funnel/kafka';
import { funnelConfidence } from '../src/funnel/confidence';

/**
 * Seeded random traffic for one handle, and the figures every analytics view must show for it,
 * computed here from the events themselves (never from ClickHouse).
 */

/** mulberry32: a small deterministic PRNG, so a failing seed can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (rand: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
/** A UUIDv7-shaped id from the PRNG (the envelope and payload validators want UUIDs). */
export function seededUuid(rand: () => number, ms: number): string {
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(rand, 3)}-${'89ab'[Math.floor(rand() * 4)]}${hex(rand, 3)}-${hex(rand, 12)}`;
}

export interface Click {
  envelope: Envelope<ClickRecordedV1>;
  at: number;
}
export interface Conversion {
  envelope: Envelope<ConversionRecordedV1 | ConversionTestedV1>;
  at: number;
  /** Units of 1/10000. */
  units: bigint;
  counted: boolean;
}

export interface Traffic {
  handle: string;
  campaigns: string[];
  clicks: Click[];
  conversions: Conversion[];
  /** What goes to Kafka, redeliveries included, in order. */
  clickMessages: OutgoingMessage[];
  conversionMessages: OutgoingMessage[];
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

export interface TrafficOptions {
  handle: string;
  seed: number;
  clicks: number;
  /** First and last click time. */
  fromMs: number;
  toMs: number;
  /** Share of messages sent a second time (same event id, later offset). */
  redeliveryRate?: number;
}

export function generateTraffic(options: TrafficOptions): Traffic {
  const { handle, seed, fromMs, toMs } = options;
  const rand = prng(seed);
  const campaigns = ['alpha-launch', 'beta-sale', 'gamma-news'];
  const clicks: Click[] = [];
  const conversions: Conversion[] = [];
  for (let i = 0; i < options.clicks; i++) {
    const at = Math.floor((fromMs + rand() * (toMs - fromMs)) / 1000) * 1000;
    // 5% of clicks belong to no campaign: in no funnel, no series.
    const campaignId = rand() < 0.05 ? '' : pick(rand, campaigns);
    const isBot = rand() < 0.12;
    const clickId = seededUuid(rand, at);
    const envelope = createEnvelope<ClickRecordedV1>({
      type: ClickRecordedV1.type,
      version: ClickRecordedV1.version,
      handle,
      aggregateId: clickId,
      occurredAt: new Date(at),
      payload: {
        clickId,
        campaignId,
        linkSlug: pick(rand, ['promo', 'promo-b']),
        visitorId: `v${Math.floor(rand() * 500)}`,
        userAgent: isBot ? 'Googlebot/2.1' : 'Mozilla/5.0',
        referrer: '',
        source: pick(rand, ['email', 'social', 'direct', 'search']),
        country: pick(rand, ['US', 'GB', 'DE', 'IN', '']),
        device: isBot ? ('bot' as DeviceClass) : pick(rand, DEVICE_CLASSES.filter((d) => d !== 'bot')),
        isBot,
        botReason: isBot ? pick(rand, ['ua:googlebot', 'click_rate', 'headless', null]) : null,
        variantId: rand() < 0.4 ? null : pick(rand, ['mobile-optimized', 'geo-eu']),
      },
    });
    envelope.eventId = seededUuid(rand, at);
    clicks.push({ envelope, at });

    const roll = rand();
    if (campaignId !== '' && roll < 0.1) {
      // 'unknown-click' names a click never recorded; 'legacy' is a counted conversion whose event
      // does not say its click's variant (an emitter older than clickVariantId).
      const kind = roll < 0.008 ? 'tested' : roll < 0.012 ? 'flagged' : roll < 0.018 ? 'unknown-click' : roll < 0.022 ? 'legacy' : 'recorded';
      const convAt = Math.min(at + Math.floor(rand() * 3600) * 1000, toMs);
      const units = BigInt(Math.floor(rand() * 5_000_000)); // up to 500.0000, 4 decimals
      const conversionId = seededUuid(rand, convAt);
      // As the conversion-service does: the credited click's variant (null without one) when it
      // credits a click it knows; a test conversion credits none.
      const carriesVariant = kind === 'recorded' || kind === 'flagged';
      const conversion = createEnvelope<ConversionRecordedV1 | ConversionTestedV1>({
        type: kind === 'tested' ? ConversionTestedV1.type : ConversionRecordedV1.type,
        version: 1,
        handle,
        aggregateId: conversionId,
        occurredAt: new Date(convAt),
        payload: {
          conversionId,
          campaignId,
          clickId: kind === 'unknown-click' ? seededUuid(rand, convAt) : clickId,
          orderId: `o${i}`,
          eventType: 'purchase',
          value: Number(units) / 10000,
          currency: 'USD',
          metadata: {},
          test: kind === 'tested' || kind === 'flagged',
          ...(carriesVariant ? { clickVariantId: envelope.payload.variantId } : {}),
        },
      });
      conversion.eventId = seededUuid(rand, convAt);
      conversions.push({ envelope: conversion, at: convAt, units, counted: kind === 'recorded' || kind === 'unknown-click' || kind === 'legacy' });
    } else if (campaignId === '' && roll < 0.05) {
      // A conversion attributed to no campaign: never counted.
      const conversionId = seededUuid(rand, at);
      const conversion = createEnvelope({
        type: ConversionRecordedV1.type,
        version: 1,
        handle,
        aggregateId: conversionId,
        occurredAt: new Date(at),
        payload: { conversionId, campaignId: null, clickId: null, orderId: null, eventType: 'purchase', value: 1, currency: 'USD', metadata: {}, test: false },
      });
      conversion.eventId = seededUuid(rand, at);
      conversions.push({ envelope: conversion, at, units: 10000n, counted: false });
    }
  }
  const redelivery = options.redeliveryRate ?? 0.05;
  const messagesOf = <T>(events: Array<{ envelope: Envelope<T> }>): OutgoingMessage[] => {
    const out: OutgoingMessage[] = [];
    for (const e of events) {
      const message = { key: `${handle}/${(e.envelope.payload as { campaignId: string | null }).campaignId ?? ''}`, value: JSON.stringify(e.envelope) };
      out.push(message);
      // A producer retry: the same event again, a little later in the stream.
      if (rand() < redelivery) out.splice(Math.max(0, out.length - Math.floor(rand() * 50)), 0, { ...message });
    }
    return out;
  };
  /**
   * Clicks as the redirect edge sends them: event batches of one campaign's clicks (1 to 40 per
   * record, a lone one sometimes as a plain envelope), in click order per campaign. Redelivery
   * here is of two kinds: a whole record again (a producer retry), or a click sent earlier
   * turning up again inside a later batch (a spool replay after an unacknowledged produce).
   */
  const clickRecordsOf = (events: Click[]): OutgoingMessage[] => {
    const out: OutgoingMessage[] = [];
    const open = new Map<string, Array<Envelope<ClickRecordedV1>>>();
    const sent = new Map<string, Array<Envelope<ClickRecordedV1>>>();
    const emit = (key: string, batch: Array<Envelope<ClickRecordedV1>>) => {
      const message = { key, value: batch.length === 1 && rand() < 0.5 ? JSON.stringify(batch[0]) : encodeEventBatch(batch) };
      out.push(message);
      if (rand() < redelivery) out.splice(Math.max(0, out.length - Math.floor(rand() * 10)), 0, { ...message });
    };
    for (const e of events) {
      const key = `${handle}/${e.envelope.payload.campaignId}`;
      let batch = open.get(key);
      if (!batch) open.set(key, (batch = []));
      batch.push(e.envelope);
      let earlier = sent.get(key);
      if (!earlier) sent.set(key, (earlier = []));
      if (earlier.length > 0 && rand() < redelivery / 4) batch.push(earlier[Math.floor(rand() * earlier.length)]);
      earlier.push(e.envelope);
      if (batch.length >= 1 + Math.floor(rand() * 40)) {
        emit(key, batch);
        open.delete(key);
      }
    }
    for (const [key, batch] of open) emit(key, batch);
    return out;
  };
  return { handle, campaigns, clicks, conversions, clickMessages: clickRecordsOf(clicks), conversionMessages: messagesOf(conversions) };
}

// ---- expected figures ----

/** Ten-thousandths to money, half up to cents, as the API reports it. */
export const money = (units: bigint): number => Number((units + 50n) / 100n) / 100;

interface Tally {
  clicks: number;
  bots: number;
  conversions: number;
  units: bigint;
  last: number;
}
const tally = (): Tally => ({ clicks: 0, bots: 0, conversions: 0, units: 0n, last: 0 });

function sortedCounts<K extends string>(key: K, values: string[]): Array<Record<K, string> & { count: number }> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v === '' ? 'unknown' : v, (counts.get(v === '' ? 'unknown' : v) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([value, count]) => ({ [key]: value, count }) as Record<K, string> & { count: number });
}

function funnelOf(clicks: Click[], conversions: Conversion[]) {
  const t = tally();
  for (const c of clicks) {
    t.clicks++;
    if (c.envelope.payload.isBot) t.bots++;
    t.last = Math.max(t.last, c.at);
  }
  for (const c of conversions) {
    t.conversions++;
    t.units += c.units;
  }
  const qualifiedClicks = t.clicks - t.bots;
  return {
    clicks: t.clicks,
    qualifiedClicks,
    conversions: t.conversions,
    revenue: money(t.units),
    confidence: funnelConfidence(qualifiedClicks, t.conversions),
    breakdown: {
      source: sortedCounts('source', clicks.map((c) => c.envelope.payload.source)),
      country: sortedCounts('country', clicks.map((c) => c.envelope.payload.country)),
      device: sortedCounts('device', clicks.map((c) => c.envelope.payload.device)),
    },
    lastSeenAt: t.last > 0 ? new Date(t.last).toISOString() : null,
  };
}

const countedIn = (traffic: Traffic, campaignId: string | null) =>
  traffic.conversions.filter((c) => c.counted && (campaignId === null ? c.envelope.payload.campaignId !== null : c.envelope.payload.campaignId === campaignId));
const clicksIn = (traffic: Traffic, campaignId: string | null) =>
  traffic.clicks.filter((c) => (campaignId === null ? c.envelope.payload.campaignId !== '' : c.envelope.payload.campaignId === campaignId));

export function expectedFunnel(traffic: Traffic, campaignId: string) {
  return { funnel: [{ campaignId, ...funnelOf(clicksIn(traffic, campaignId), countedIn(traffic, campaignId)) }] };
}

export function expectedAggregate(traffic: Traffic) {
  const funnel = traffic.campaigns
    .map((id) => ({ campaignId: id, ...funnelOf(clicksIn(traffic, id), countedIn(traffic, id)) }))
    .sort((a, b) => b.clicks - a.clicks || b.conversions - a.conversions || (a.campaignId < b.campaignId ? -1 : 1));
  return { aggregate: { campaignId: null, ...funnelOf(clicksIn(traffic, null), countedIn(traffic, null)) }, funnel };
}

/**
 * A click's segment is its variant ('default' without one); a counted conversion's is the variant
 * its event gives for the credited click (`clickVariantId`), 'unknown' when the event leaves it out.
 */
export function expectedSegments(traffic: Traffic, campaignId: string) {
  const segments = new Map<string, Tally>();
  const of = (name: string) => segments.get(name) ?? segments.set(name, tally()).get(name)!;
  for (const c of clicksIn(traffic, campaignId)) {
    const s = of(c.envelope.payload.variantId ?? 'default');
    s.clicks++;
    if (c.envelope.payload.isBot) s.bots++;
  }
  for (const c of countedIn(traffic, campaignId)) {
    const variant = c.envelope.payload.clickVariantId;
    const s = of(variant === undefined ? 'unknown' : (variant ?? 'default'));
    s.conversions++;
    s.units += c.units;
  }
  return {
    campaignId,
    groupBy: 'segment',
    segments: [...segments.entries()]
      .map(([segment, s]) => {
        const qualifiedClicks = s.clicks - s.bots;
        return {
          segment,
          clicks: s.clicks,
          botClicks: s.bots,
          qualifiedClicks,
          conversions: s.conversions,
          revenue: money(s.units),
          conversionRate: qualifiedClicks > 0 ? s.conversions / qualifiedClicks : 0,
          confidence: funnelConfidence(qualifiedClicks, s.conversions),
        };
      })
      .sort((a, b) => b.clicks - a.clicks || b.conversions - a.conversions || (a.segment < b.segment ? -1 : 1)),
  };
}

export function expectedBotReasons(traffic: Traffic, campaignId: string) {
  const bots = clicksIn(traffic, campaignId).filter((c) => c.envelope.payload.isBot);
  return {
    campaignId,
    groupBy: 'botReason',
    botClicks: bots.length,
    botReasons: sortedCounts('reason', bots.map((c) => c.envelope.payload.botReason ?? '')),
  };
}

/** The UTC instant of a local wall-clock time in `timeZone` (as parseAnalyticsDate does for midnight). */
function fromWall(wall: number, timeZone: string): number {
  const first = zoneOffsetMinutes(timeZone, wall)!;
  let ms = wall - first * 60000;
  const second = zoneOffsetMinutes(timeZone, ms)!;
  if (second !== first) ms = wall - second * 60000;
  return ms;
}

/** Start of the local hour, day or month holding `t`, as a UTC instant. */
export function localStart(t: number, granularity: AnalyticsGranularity | 'hour', timeZone: string): number {
  const offset = zoneOffsetMinutes(timeZone, t)! * 60000;
  const wall = t + offset;
  if (granularity === 'hour') return Math.floor(wall / 3600000) * 3600000 - offset;
  const d = new Date(wall);
  return fromWall(granularity === 'day' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), timeZone);
}

export function expectedSeries(traffic: Traffic, query: { campaignId?: string; granularity: AnalyticsGranularity; timeZone: string; from: Date; to: Date }) {
  const campaignId = query.campaignId ?? null;
  const inRange = (t: number) => {
    const hour = localStart(t, 'hour', query.timeZone);
    return hour >= query.from.getTime() && hour < query.to.getTime();
  };
  const buckets = new Map<number, Tally>();
  const of = (t: number) => {
    const start = localStart(t, query.granularity, query.timeZone);
    return buckets.get(start) ?? buckets.set(start, tally()).get(start)!;
  };
  const total = tally();
  for (const c of clicksIn(traffic, campaignId)) {
    if (!inRange(c.at)) continue;
    const b = of(c.at);
    b.clicks++;
    total.clicks++;
    if (c.envelope.payload.isBot) {
      b.bots++;
      total.bots++;
    }
    total.last = Math.max(total.last, c.at);
  }
  for (const c of countedIn(traffic, campaignId)) {
    if (!inRange(c.at)) continue;
    const b = of(c.at);
    b.conversions++;
    b.units += c.units;
    total.conversions++;
    total.units += c.units;
  }
  const qualifiedClicks = total.clicks - total.bots;
  return {
    campaignId,
    granularity: query.granularity,
    timeZone: query.timeZone,
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    series: [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, b]) => ({
        start: new Date(start).toISOString(),
        clicks: b.clicks,
        botClicks: b.bots,
        qualifiedClicks: b.clicks - b.bots,
        conversions: b.conversions,
        revenue: money(b.units),
      })),
    summary: {
      clicks: total.clicks,
      botClicks: total.bots,
      qualifiedClicks,
      conversions: total.conversions,
      revenue: money(total.units),
      conversionRate: qualifiedClicks > 0 ? total.conversions / qualifiedClicks : 0,
      confidence: funnelConfidence(qualifiedClicks, total.conversions),
      lastSeenAt: total.last > 0 ? new Date(total.last).toISOString() : null,
    },
  };
}
