import { attributeByClick, attributeByVisitor, CampaignFacts, countability, decideConversion, dedupe } from './attribution';

const DAY = 24 * 3600 * 1000;
const at = new Date('2025-01-31T12:00:00Z');
const daysBefore = (n: number) => new Date(at.getTime() - n * DAY);
const campaign = (extra: Partial<CampaignFacts> = {}): CampaignFacts => ({ status: 'ACTIVE', eventType: 'purchase', cookieDurationDays: 30, attributionModel: 'LAST_CLICK', ...extra });
const click = { clickId: 'c1', campaignId: 'spring', occurredAt: daysBefore(1), variantId: 'variant-a' };

describe('attributeByClick', () => {
  it('credits the click campaign when the click is known', () => {
    expect(attributeByClick({ clickId: 'c1', click, campaign: campaign(), convertedAt: at })).toEqual({ attributed: true, campaignId: 'spring', clickId: 'c1', clickVariantId: 'variant-a' });
  });

  it("passes the click's variant on: null when none served it, undefined when not known", () => {
    const credit = (variantId: string | null | undefined) => attributeByClick({ clickId: 'c1', click: { ...click, variantId }, campaign: campaign(), convertedAt: at });
    expect(credit(null)).toMatchObject({ attributed: true, clickVariantId: null });
    const unknown = credit(undefined);
    expect(unknown.attributed && unknown.clickVariantId).toBeUndefined();
  });

  it('is unattributed without a click id or before the click is known', () => {
    expect(attributeByClick({ clickId: null, click: null, campaign: null, convertedAt: at })).toEqual({ attributed: false, reason: 'no_click_id' });
    expect(attributeByClick({ clickId: 'c1', click: null, campaign: null, convertedAt: at })).toEqual({ attributed: false, reason: 'click_not_found' });
  });

  it('refuses a conversion outside the cookie window, inclusive of the boundary', () => {
    const old = { ...click, occurredAt: daysBefore(30) };
    expect(attributeByClick({ clickId: 'c1', click: old, campaign: campaign({ cookieDurationDays: 29 }), convertedAt: at })).toEqual({ attributed: false, reason: 'outside_window' });
    expect(attributeByClick({ clickId: 'c1', click: old, campaign: campaign({ cookieDurationDays: 30 }), convertedAt: at }).attributed).toBe(true);
  });

  it('applies no window to a named click when it is 0 days or the campaign is not known yet', () => {
    const old = { ...click, occurredAt: new Date('2020-01-01T00:00:00Z') };
    expect(attributeByClick({ clickId: 'c1', click: old, campaign: campaign({ cookieDurationDays: 0 }), convertedAt: at }).attributed).toBe(true);
    expect(attributeByClick({ clickId: 'c1', click: old, campaign: null, convertedAt: at }).attributed).toBe(true);
  });
});

describe('attributeByVisitor', () => {
  const visit = (clickId: string, campaignId: string, days: number, facts: CampaignFacts | null = campaign()) => ({
    clickId,
    campaignId,
    occurredAt: daysBefore(days),
    variantId: `variant-${clickId}`,
    campaign: facts,
  });

  it('credits the most recent click inside its window (last click)', () => {
    const clicks = [visit('a', 'spring', 10), visit('b', 'spring', 2), visit('c', 'summer', 5)];
    expect(attributeByVisitor({ clicks, convertedAt: at })).toEqual({ attributed: true, campaignId: 'spring', clickId: 'b', clickVariantId: 'variant-b' });
  });

  it('credits the earliest eligible click of that campaign when it is first-click', () => {
    const first = campaign({ attributionModel: 'FIRST_CLICK' });
    const clicks = [visit('a', 'spring', 10, first), visit('b', 'spring', 2, first), visit('old', 'spring', 40, first)];
    expect(attributeByVisitor({ clicks, convertedAt: at })).toEqual({ attributed: true, campaignId: 'spring', clickId: 'a', clickVariantId: 'variant-a' });
  });

  it('ignores clicks outside their window, after the conversion, of a 0-day campaign or an unknown one', () => {
    const clicks = [
      visit('outside', 'spring', 31),
      { ...visit('later', 'spring', 0), occurredAt: new Date(at.getTime() + 1000) },
      visit('zero', 'zero-day', 1, campaign({ cookieDurationDays: 0 })),
      visit('unknown', 'unknown', 1, null),
    ];
    expect(attributeByVisitor({ clicks, convertedAt: at })).toEqual({ attributed: false, reason: 'no_click_for_visitor' });
    expect(attributeByVisitor({ clicks: [...clicks, visit('inside', 'spring', 29)], convertedAt: at })).toMatchObject({ clickId: 'inside' });
  });
});

describe('countability', () => {
  it('counts for an active campaign of the same event type or an unknown campaign', () => {
    expect(countability(campaign(), 'purchase')).toEqual({ counts: true });
    expect(countability(null, 'anything')).toEqual({ counts: true });
  });

  it('does not count for a paused campaign or another event type', () => {
    expect(countability(campaign({ status: 'PAUSED' }), 'purchase')).toEqual({ counts: false, reason: 'campaign_paused' });
    expect(countability(campaign(), 'lead')).toEqual({ counts: false, reason: 'event_type_mismatch' });
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
  const attributed = { attributed: true as const, campaignId: 'spring', clickId: 'c1', clickVariantId: 'variant-a' };
  const pending = { attributed: false as const, reason: 'click_not_found' as const };
  const counts = { counts: true as const };

  it('counts and emits an attributed first occurrence', () => {
    expect(decideConversion(attributed, { duplicate: false }, counts, 'c1')).toEqual({
      status: 'counted',
      statusReason: null,
      campaignId: 'spring',
      clickId: 'c1',
      clickVariantId: 'variant-a',
      duplicateOf: null,
      emit: true,
    });
  });

  it('never counts or emits a duplicate, attributed or not', () => {
    expect(decideConversion(attributed, { duplicate: true, duplicateOf: 'a' }, counts, 'c1')).toMatchObject({ status: 'duplicate', statusReason: 'duplicate_order_id', duplicateOf: 'a', emit: false });
    expect(decideConversion(pending, { duplicate: true, duplicateOf: 'a' }, counts, 'c1').emit).toBe(false);
  });

  it('stores an unattributed conversion with its reason and posted click id, without emitting', () => {
    expect(decideConversion(pending, { duplicate: false }, counts, 'c9')).toEqual({ status: 'unattributed', statusReason: 'click_not_found', campaignId: null, clickId: 'c9', duplicateOf: null, emit: false });
  });

  it('stores a conversion of a paused campaign as not counted, credited but silent', () => {
    expect(decideConversion(attributed, { duplicate: false }, { counts: false, reason: 'campaign_paused' }, 'c1')).toMatchObject({
      status: 'not_counted',
      statusReason: 'campaign_paused',
      campaignId: 'spring',
      emit: false,
    });
  });
});
