import { ClicksRepository } from '../../clicks/clicks.repository';
import { CampaignsRepository } from '../../campaigns/campaigns.repository';
import { Database, Tx } from '../../platform/database';
import { OutboxService } from '../../platform/outbox/outbox.service';
import { ConversionRecord, ConversionsRepository, IdempotencyClaim } from '../conversions.repository';
import { canonicalJson, RecordConversion, RecordConversionCommand, RecordConversionResult } from './record-conversion';

/** variantId: the click's variant (null: none); left out, not known. */
type FakeClick = { handle: string; campaignId: string; occurredAt: Date; visitorId?: string; variantId?: string | null };
type FakeCampaign = { status?: string; eventType?: string; cookieDurationDays: number; attributionModel?: 'LAST_CLICK' | 'FIRST_CLICK' };

/** In-memory fakes of the repositories: the use case's decisions without a database. */
function setup(opts: { clicks?: Record<string, FakeClick>; campaign?: FakeCampaign; campaignEventTypes?: string[] } = {}) {
  const orderKeys = new Map<string, string>();
  const idemKeys = new Map<string, { hash: string; conversionId: string | null }>();
  const stored: ConversionRecord[] = [];
  const events: Array<{ topic: string; key: string; type: string; clickVariantId?: string | null }> = [];
  const tx = {} as Tx;
  const db = { transaction: <T>(work: (t: Tx) => Promise<T>) => work(tx) } as unknown as Database;
  const facts = () =>
    opts.campaign
      ? { status: 'ACTIVE', eventType: 'purchase', attributionModel: 'LAST_CLICK' as const, ...opts.campaign }
      : null;
  const clicks = {
    find: async (_: Tx, handle: string, clickId: string) => {
      const c = opts.clicks?.[clickId];
      return c && c.handle === handle ? { clickId, campaignId: c.campaignId, occurredAt: c.occurredAt, variantId: c.variantId } : null;
    },
    findByVisitor: async (_: Tx, handle: string, visitorId: string) =>
      Object.entries(opts.clicks ?? {})
        .filter(([, c]) => c.handle === handle && c.visitorId === visitorId)
        .map(([clickId, c]) => ({ clickId, campaignId: c.campaignId, occurredAt: c.occurredAt, variantId: c.variantId, campaign: facts() })),
  } as unknown as ClicksRepository;
  const campaigns = {
    find: async () => facts(),
    usesEventType: async (_: Tx, __: string, eventType: string) => (opts.campaignEventTypes ?? []).includes(eventType),
  } as unknown as CampaignsRepository;
  const conversions = {
    claimIdempotencyKey: async (_: Tx, handle: string, key: string, hash: string): Promise<IdempotencyClaim> => {
      const found = idemKeys.get(`${handle}/${key}`);
      if (!found) {
        idemKeys.set(`${handle}/${key}`, { hash, conversionId: null });
        return { kind: 'claimed' };
      }
      return { kind: 'used', sameRequest: found.hash === hash, conversionId: found.conversionId };
    },
    completeIdempotencyKey: async (_: Tx, handle: string, key: string, conversionId: string) => {
      (idemKeys.get(`${handle}/${key}`) as { conversionId: string | null }).conversionId = conversionId;
    },
    findById: async (_: Tx, handle: string, id: string) => stored.find((s) => s.handle === handle && s.conversionId === id) ?? null,
    claimOrderId: async (_: Tx, handle: string, orderId: string, id: string) => {
      const key = `${handle}/${orderId}`;
      if (!orderKeys.has(key)) orderKeys.set(key, id);
      return orderKeys.get(key) as string;
    },
    insert: async (_: Tx, record: ConversionRecord) => {
      const full = { ...record, attributedAt: record.attributedAt ?? null };
      stored.push(full);
      return full;
    },
  } as unknown as ConversionsRepository;
  let wakes = 0;
  const outbox = {
    append: async (_: Tx, topic: string, key: string, envelope: { type: string; payload: { clickVariantId?: string | null } }) =>
      void events.push({ topic, key, type: envelope.type, ...('clickVariantId' in envelope.payload ? { clickVariantId: envelope.payload.clickVariantId } : {}) }),
    wake: () => void wakes++,
  } as unknown as OutboxService;
  return { useCase: new RecordConversion(db, clicks, campaigns, conversions, outbox), stored, events, wakes: () => wakes };
}

const command = (extra: Partial<RecordConversionCommand> = {}): RecordConversionCommand => ({
  handle: 'acme',
  requestId: 'r1',
  eventType: 'purchase',
  value: 10,
  currency: 'USD',
  clickId: null,
  visitorId: null,
  orderId: null,
  metadata: {},
  ...extra,
});

function recorded(result: RecordConversionResult): ConversionRecord & { replayed: boolean } {
  if (!result.ok) throw new Error(`expected ok, got ${result.error}`);
  return { ...result.record, replayed: result.replayed };
}

describe('RecordConversion', () => {
  const click = { handle: 'acme', campaignId: 'spring', occurredAt: new Date(), visitorId: 'v1' };

  it('counts an attributed conversion and writes conversion.recorded to the outbox keyed by handle', async () => {
    const { useCase, events, wakes } = setup({ clicks: { c1: click } });
    const record = recorded(await useCase.execute(command({ clickId: 'c1', orderId: 'o1' })));
    expect(record).toMatchObject({ status: 'counted', campaignId: 'spring', test: false, statusReason: null });
    expect(events).toEqual([{ topic: 'funnel.conversions', key: 'acme', type: 'conversion.recorded' }]);
    expect(wakes()).toBe(1);
  });

  it("carries the credited click's variant in the event: null without one, left out when not known", async () => {
    const { useCase, events } = setup({
      clicks: {
        shown: { ...click, variantId: 'variant-a' },
        plain: { ...click, visitorId: 'v2', variantId: null },
        legacy: { ...click, visitorId: 'v3' },
      },
      campaign: { cookieDurationDays: 30 },
    });
    await useCase.execute(command({ clickId: 'shown' }));
    await useCase.execute(command({ visitorId: 'v2' }));
    await useCase.execute(command({ clickId: 'legacy' }));
    expect(events).toEqual([
      { topic: 'funnel.conversions', key: 'acme', type: 'conversion.recorded', clickVariantId: 'variant-a' },
      { topic: 'funnel.conversions', key: 'acme', type: 'conversion.recorded', clickVariantId: null },
      { topic: 'funnel.conversions', key: 'acme', type: 'conversion.recorded' },
    ]);
    expect('clickVariantId' in events[2]).toBe(false);
  });

  it('stores a repeated order id as a duplicate of the first, without an event', async () => {
    const { useCase, events } = setup({ clicks: { c1: click } });
    const first = recorded(await useCase.execute(command({ clickId: 'c1', orderId: 'o1' })));
    const second = recorded(await useCase.execute(command({ clickId: 'c1', orderId: 'o1' })));
    expect(second).toMatchObject({ status: 'duplicate', duplicateOf: first.conversionId });
    expect(events).toHaveLength(1);
  });

  it('scopes order ids by handle', async () => {
    const { useCase } = setup();
    await useCase.execute(command({ orderId: 'o1' }));
    expect(recorded(await useCase.execute(command({ handle: 'other', orderId: 'o1' }))).status).toBe('unattributed');
  });

  it("stores unattributed, without an event, when the click is unknown or another handle's", async () => {
    const { useCase, events, wakes } = setup({ clicks: { c1: click } });
    expect(recorded(await useCase.execute(command({ clickId: 'unknown' })))).toMatchObject({ status: 'unattributed', statusReason: 'click_not_found' });
    expect(recorded(await useCase.execute(command({ handle: 'other', clickId: 'c1' })))).toMatchObject({ status: 'unattributed', campaignId: null });
    expect(events).toEqual([]);
    expect(wakes()).toBe(0);
  });

  it('does not credit a click older than the cookie window', async () => {
    const old = { ...click, occurredAt: new Date(Date.now() - 10 * 24 * 3600 * 1000) };
    const { useCase } = setup({ clicks: { c1: old }, campaign: { cookieDurationDays: 7 } });
    expect(recorded(await useCase.execute(command({ clickId: 'c1' })))).toMatchObject({ status: 'unattributed', statusReason: 'outside_window' });
  });

  it('attributes by visitor id when no click id is given, crediting that click', async () => {
    const { useCase } = setup({ clicks: { c1: click }, campaign: { cookieDurationDays: 30 } });
    expect(recorded(await useCase.execute(command({ visitorId: 'v1' })))).toMatchObject({ status: 'counted', campaignId: 'spring', clickId: 'c1', visitorId: 'v1' });
    expect(recorded(await useCase.execute(command({ visitorId: 'v2' })))).toMatchObject({ status: 'unattributed', statusReason: 'no_click_for_visitor' });
  });

  it('stores a conversion of a paused campaign as not_counted, without an event', async () => {
    const { useCase, events } = setup({ clicks: { c1: click }, campaign: { cookieDurationDays: 30, status: 'PAUSED' } });
    expect(recorded(await useCase.execute(command({ clickId: 'c1' })))).toMatchObject({ status: 'not_counted', statusReason: 'campaign_paused', campaignId: 'spring' });
    expect(events).toEqual([]);
  });

  it('refuses an event type no campaign of the handle uses, unless it is a standard one', async () => {
    const { useCase, stored } = setup({ campaignEventTypes: ['webinar_signup'] });
    expect(await useCase.execute(command({ eventType: 'made_up' }))).toEqual({ ok: false, error: 'invalid_event_type' });
    expect((await useCase.execute(command({ eventType: 'webinar_signup' }))).ok).toBe(true);
    expect((await useCase.execute(command({ eventType: 'lead' }))).ok).toBe(true);
    expect(stored).toHaveLength(2);
  });

  it('replays the same conversion for a repeated Idempotency-Key and body, and refuses another body', async () => {
    const { useCase, stored, events } = setup({ clicks: { c1: click } });
    const first = recorded(await useCase.execute(command({ clickId: 'c1', idempotencyKey: 'k1', metadata: { a: 1, b: 2 } })));
    const again = recorded(await useCase.execute(command({ clickId: 'c1', idempotencyKey: 'k1', metadata: { b: 2, a: 1 } })));
    expect(again).toMatchObject({ conversionId: first.conversionId, replayed: true });
    expect(first.replayed).toBe(false);
    expect(await useCase.execute(command({ clickId: 'c1', idempotencyKey: 'k1', value: 11 }))).toEqual({ ok: false, error: 'idempotency_key_reused' });
    expect(stored).toHaveLength(1);
    expect(events).toHaveLength(1);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":2,"y":1}]},"b":1}');
  });
});
