import { attribute, decideConversion, dedupe } from './attribution';

const at = new Date('2025-01-31T12:00:00Z');
const click = { campaignId: 'spring', occurredAt: new Date('2025-01-30T12:00:00Z') };

describe('attribute', () => {
  it('credits the click campaign when the click is known', () => {
    expect(attribute({ clickId: 'c1', click, campaign: { cookieDurationDays: 30 }, convertedAt: at })).toEqual({ attributed: true, campaignId: 'spring' });
  });

  it('is unattributed without a click id or before the click is known', () => {
    expect(attribute({ clickId: null, click: null, campaign: null, convertedAt: at })).toEqual({ attributed: false, reason: 'no_click_id' });
    expect(attribute({ clickId: 'c1', click: null, campaign: null, convertedAt: at })).toEqual({ attributed: false, reason: 'click_not_found' });
  });

  it('refuses a conversion outside the cookie window, inclusive of the boundary', () => {
    const old = { campaignId: 'spring', occurredAt: new Date('2025-01-01T12:00:00Z') };
    expect(attribute({ clickId: 'c1', click: old, campaign: { cookieDurationDays: 29 }, convertedAt: at })).toEqual({ attributed: false, reason: 'outside_window' });
    expect(attribute({ clickId: 'c1', click: old, campaign: { cookieDurationDays: 30 }, convertedAt: at }).attributed).toBe(true);
  });

  it('applies no window when it is 0 or the campaign is not known yet', () => {
    const old = { campaignId: 'spring', occurredAt: new Date('2020-01-01T00:00:00Z') };
    expect(attribute({ clickId: 'c1', click: old, campaign: { cookieDurationDays: 0 }, convertedAt: at }).attributed).toBe(true);
    expect(attribute({ clickId: 'c1', click: old, campaign: null, convertedAt: at }).attributed).toBe(true);
  });
});

describe('dedupe', () => {
  it('is not a duplicate without an order id or when this conversion claimed it', () => {
    expect(dedupe({ conversionId: 'a', orderId: null, orderOwner: null })).toEqual({ duplicate: false });
    expect(dedupe({ conversionId: 'a', orderId: 'o1', orderOwner: 'a' })).toEqual({ duplicate: false });
  });

  it('is a duplicate of the conversion that claimed the order id first', () => {
    expect(dedupe({ conversionId: 'b', orderId: 'o1', orderOwner: 'a' })).toEqual({ duplicate: true, duplicateOf: 'a' });
  });
});

describe('decideConversion', () => {
  const attributed = { attributed: true as const, campaignId: 'spring' };
  const pending = { attributed: false as const, reason: 'click_not_found' as const };

  it('counts and emits an attributed first occurrence', () => {
    expect(decideConversion(attributed, { duplicate: false })).toEqual({ status: 'counted', campaignId: 'spring', duplicateOf: null, emit: true });
  });

  it('never counts or emits a duplicate, attributed or not', () => {
    expect(decideConversion(attributed, { duplicate: true, duplicateOf: 'a' })).toEqual({ status: 'duplicate', campaignId: 'spring', duplicateOf: 'a', emit: false });
    expect(decideConversion(pending, { duplicate: true, duplicateOf: 'a' }).emit).toBe(false);
  });

  it('stores an unattributed conversion without emitting', () => {
    expect(decideConversion(pending, { duplicate: false })).toEqual({ status: 'unattributed', campaignId: null, duplicateOf: null, emit: false });
  });
});
