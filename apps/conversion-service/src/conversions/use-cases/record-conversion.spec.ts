import { ClicksRepository } from '../../clicks/clicks.repository';
import { CampaignsRepository } from '../../campaigns/campaigns.repository';
import { Database, Tx } from '../../infra/database';
import { OutboxService } from '../../outbox/outbox.service';
import { ConversionRecord, ConversionsRepository } from '../conversions.repository';
import { RecordConversion, RecordConversionCommand } from './record-conversion';

/** In-memory fakes of the repositories: the use case's decisions without a database. */
function setup(opts: { clicks?: Record<string, { handle: string; campaignId: string; occurredAt: Date }>; cookieDays?: number } = {}) {
  const orderKeys = new Map<string, string>();
  const stored: ConversionRecord[] = [];
  const events: Array<{ topic: string; key: string; type: string }> = [];
  const tx = {} as Tx;
  const db = { transaction: <T>(work: (t: Tx) => Promise<T>) => work(tx) } as unknown as Database;
  const clicks = {
    find: async (_: Tx, handle: string, clickId: string) => {
      const c = opts.clicks?.[clickId];
      return c && c.handle === handle ? { campaignId: c.campaignId, occurredAt: c.occurredAt } : null;
    },
  } as unknown as ClicksRepository;
  const campaigns = {
    find: async () => (opts.cookieDays === undefined ? null : { cookieDurationDays: opts.cookieDays }),
  } as unknown as CampaignsRepository;
  const conversions = {
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
    append: async (_: Tx, topic: string, key: string, envelope: { type: string }) => void events.push({ topic, key, type: envelope.type }),
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
  orderId: null,
  metadata: {},
  ...extra,
});

describe('RecordConversion', () => {
  const click = { handle: 'acme', campaignId: 'spring', occurredAt: new Date() };

  it('counts an attributed conversion and writes conversion.recorded to the outbox keyed by handle', async () => {
    const { useCase, events, wakes } = setup({ clicks: { c1: click } });
    const record = await useCase.execute(command({ clickId: 'c1', orderId: 'o1' }));
    expect(record).toMatchObject({ status: 'counted', campaignId: 'spring', test: false });
    expect(events).toEqual([{ topic: 'funnel.conversions', key: 'acme', type: 'conversion.recorded' }]);
    expect(wakes()).toBe(1);
  });

  it('stores a repeated order id as a duplicate of the first, without an event', async () => {
    const { useCase, events } = setup({ clicks: { c1: click } });
    const first = await useCase.execute(command({ clickId: 'c1', orderId: 'o1' }));
    const second = await useCase.execute(command({ clickId: 'c1', orderId: 'o1' }));
    expect(second).toMatchObject({ status: 'duplicate', duplicateOf: first.conversionId });
    expect(events).toHaveLength(1);
  });

  it('scopes order ids by handle', async () => {
    const { useCase } = setup();
    await useCase.execute(command({ orderId: 'o1' }));
    expect((await useCase.execute(command({ handle: 'other', orderId: 'o1' }))).status).toBe('unattributed');
  });

  it("stores unattributed, without an event, when the click is unknown or another handle's", async () => {
    const { useCase, events, wakes } = setup({ clicks: { c1: click } });
    expect((await useCase.execute(command({ clickId: 'unknown' }))).status).toBe('unattributed');
    expect(await useCase.execute(command({ handle: 'other', clickId: 'c1' }))).toMatchObject({ status: 'unattributed', campaignId: null });
    expect(events).toEqual([]);
    expect(wakes()).toBe(0);
  });

  it('does not credit a click older than the cookie window', async () => {
    const old = { ...click, occurredAt: new Date(Date.now() - 10 * 24 * 3600 * 1000) };
    const { useCase } = setup({ clicks: { c1: old }, cookieDays: 7 });
    expect((await useCase.execute(command({ clickId: 'c1' }))).status).toBe('unattributed');
  });
});
