import 'reflect-metadata';
import { CONTEXT_PARAM, RuleSnapshotV1 } from '@funnel/contracts';
import { campaignSnapshot, linkSnapshot, ruleSnapshot } from '../../../test/fixtures';
import type { ClickMessage, ClickSink } from '../../clicks/click-sink';
import { ClickRecorder } from '../../clicks/click-recorder';
import { LinkTable } from '../../link-table/link-table';
import { ClickRateWindow } from '../click-rate';
import { RedirectCommand, RedirectLink } from './redirect-link';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

class MemorySink implements ClickSink {
  readonly clicks: ClickMessage[] = [];
  record(click: ClickMessage): void {
    this.clicks.push(click);
  }
}

const rateWindow = () => new ClickRateWindow({ maxClicks: 3, windowMs: 60000, maxAddresses: 100 });

function command(overrides: Partial<RedirectCommand> = {}): RedirectCommand {
  return {
    handle: 'acme',
    slug: 'spring',
    method: 'GET',
    userAgent: IPHONE,
    referrer: 'https://www.google.com/',
    utmSource: undefined,
    countryHeader: 'us',
    visitorId: null,
    now: new Date('2026-02-25T12:00:00.000Z'),
    ...overrides,
  };
}

describe('RedirectLink', () => {
  let table: LinkTable;
  let sink: MemorySink;
  let redirect: RedirectLink;
  beforeEach(() => {
    table = new LinkTable();
    table.markReady();
    sink = new MemorySink();
    redirect = new RedirectLink(table, new ClickRecorder(sink, rateWindow()));
  });

  it('redirects an ACTIVE campaign link with the click id appended and records the click', () => {
    table.putLink(linkSnapshot());
    table.putCampaign(campaignSnapshot());
    const outcome = redirect.execute(command({ utmSource: 'Newsletter' }));
    if (outcome.kind !== 'redirect') throw new Error(`unexpected ${outcome.kind}`);
    expect(outcome.clickId).toMatch(UUID_V7);
    expect(outcome.location).toBe(`https://shop.example.com/spring?ref=x&${CONTEXT_PARAM}=${outcome.clickId}#top`);
    expect(outcome.newVisitorId).toMatch(/^[0-9a-f-]{36}$/);

    expect(sink.clicks).toHaveLength(1);
    const { key, envelope } = sink.clicks[0];
    expect(key).toBe('acme/spring-launch');
    expect(envelope).toMatchObject({
      type: 'click.recorded',
      version: 1,
      handle: 'acme',
      aggregateId: outcome.clickId,
      occurredAt: '2026-02-25T12:00:00.000Z',
    });
    expect(envelope.payload).toEqual({
      clickId: outcome.clickId,
      campaignId: 'spring-launch',
      linkSlug: 'spring',
      visitorId: outcome.newVisitorId,
      userAgent: IPHONE,
      referrer: 'https://www.google.com/',
      source: 'newsletter',
      country: 'US',
      device: 'mobile',
      browser: 'Mobile Safari',
      os: 'iOS',
      isBot: false,
      botReason: null,
      variantId: null,
    });
  });

  it('keeps the visitor id from the cookie and issues none', () => {
    table.putLink(linkSnapshot());
    table.putCampaign(campaignSnapshot());
    const outcome = redirect.execute(command({ visitorId: 'known-visitor' }));
    expect(outcome).toMatchObject({ kind: 'redirect', newVisitorId: null });
    expect(sink.clicks[0].envelope.payload.visitorId).toBe('known-visitor');
  });

  it('leaves the destination untouched when the link does not ask for the context param', () => {
    table.putLink(linkSnapshot({ trackingPolicy: { mode: 'DIRECT', appendContextParam: false } }));
    table.putCampaign(campaignSnapshot());
    const outcome = redirect.execute(command());
    expect(outcome).toMatchObject({ kind: 'redirect', location: 'https://shop.example.com/spring?ref=x#top' });
    expect(sink.clicks).toHaveLength(1);
  });

  it.each(['DRAFT', 'PAUSED'] as const)('redirects a %s campaign link but records nothing', (status) => {
    table.putLink(linkSnapshot());
    table.putCampaign(campaignSnapshot({ status }));
    const outcome = redirect.execute(command());
    expect(outcome).toMatchObject({ kind: 'redirect', clickId: null, newVisitorId: null });
    if (outcome.kind === 'redirect') expect(outcome.location).toMatch(new RegExp(`\\?ref=x&${CONTEXT_PARAM}=[0-9a-f-]{36}#top$`));
    expect(sink.clicks).toEqual([]);
  });

  it('redirects a link without campaign, or whose campaign is unknown, and records nothing', () => {
    table.putLink(linkSnapshot({ slug: 'plain', campaignId: null, trackingPolicy: { mode: 'DIRECT', appendContextParam: false } }));
    table.putLink(linkSnapshot({ slug: 'orphan', campaignId: 'gone-campaign' }));
    expect(redirect.execute(command({ slug: 'plain' }))).toEqual({
      kind: 'redirect',
      location: 'https://shop.example.com/spring?ref=x#top',
      clickId: null,
      variantId: null,
      newVisitorId: null,
    });
    expect(redirect.execute(command({ slug: 'orphan' })).kind).toBe('redirect');
    expect(sink.clicks).toEqual([]);
  });

  it('records bot clicks too, flagged', () => {
    table.putLink(linkSnapshot());
    table.putCampaign(campaignSnapshot());
    redirect.execute(command({ userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }));
    redirect.execute(command({ method: 'HEAD' }));
    expect(sink.clicks.map((c) => [c.envelope.payload.device, c.envelope.payload.botReason])).toEqual([
      ['bot', 'crawler_user_agent'],
      ['mobile', 'head_request'],
    ]);
  });

  it('answers not_found for unknown links and malformed names, loading while the table is not ready', () => {
    table.putLink(linkSnapshot());
    expect(redirect.execute(command({ slug: 'nope' }))).toEqual({ kind: 'not_found' });
    expect(redirect.execute(command({ slug: 's'.repeat(65) }))).toEqual({ kind: 'not_found' });
    expect(redirect.execute(command({ handle: 'ACME' }))).toEqual({ kind: 'not_found' });

    const loading = new RedirectLink(new LinkTable(), new ClickRecorder(sink, rateWindow()));
    expect(loading.execute(command({ slug: 'nope' }))).toEqual({ kind: 'loading' });
    expect(loading.execute(command({ slug: 's'.repeat(65) }))).toEqual({ kind: 'not_found' });
  });

  it('serves a link it already holds while still loading', () => {
    const partial = new LinkTable();
    partial.putLink(linkSnapshot());
    expect(new RedirectLink(partial, new ClickRecorder(sink, rateWindow())).execute(command()).kind).toBe('redirect');
  });

  it('flags clicks from one address beyond the rate limit as click_rate bots, other addresses unaffected', () => {
    table.putLink(linkSnapshot());
    table.putCampaign(campaignSnapshot());
    for (let i = 0; i < 5; i++) redirect.execute(command({ ip: '203.0.113.7' }));
    redirect.execute(command({ ip: '203.0.113.8' }));
    expect(sink.clicks.map((c) => c.envelope.payload.botReason)).toEqual([null, null, null, 'click_rate', 'click_rate', null]);
  });

  describe('personalization', () => {
    beforeEach(() => {
      table.putLink(linkSnapshot());
      table.putCampaign(campaignSnapshot());
    });

    const variantOf = (overrides: Partial<RedirectCommand> = {}) => {
      const outcome = redirect.execute(command(overrides));
      if (outcome.kind !== 'redirect') throw new Error(`unexpected ${outcome.kind}`);
      return outcome;
    };

    it('uses the matching rule\'s variant destination, keeps the context param and records the variant id', () => {
      table.putRule(ruleSnapshot({ ruleId: 'mobile-us', when: { deviceIn: ['mobile'], countryIn: ['US'] }, variant: { id: 'v-mobile', destinationUrl: 'https://m.example.com/s?x=1' } }));
      const outcome = variantOf();
      expect(outcome.location).toBe(`https://m.example.com/s?x=1&${CONTEXT_PARAM}=${outcome.clickId}`);
      expect(outcome.variantId).toBe('v-mobile');
      expect(sink.clicks[0].envelope.payload.variantId).toBe('v-mobile');
    });

    it('falls back to the link destination when no rule matches, recording no variant', () => {
      table.putRule(ruleSnapshot({ ruleId: 'desktop-only', when: { deviceIn: ['desktop'] } }));
      const outcome = variantOf();
      expect(outcome.location).toMatch(/^https:\/\/shop\.example\.com\/spring\?ref=x&/);
      expect(sink.clicks[0].envelope.payload.variantId).toBeNull();
    });

    it('evaluates highest priority first, ties by ruleId ascending; first match wins', () => {
      table.putRule(ruleSnapshot({ ruleId: 'b-rule', priority: 10, variant: { id: 'v-b', destinationUrl: 'https://b.example.com/' } }));
      table.putRule(ruleSnapshot({ ruleId: 'a-rule', priority: 10, variant: { id: 'v-a', destinationUrl: 'https://a.example.com/' } }));
      table.putRule(ruleSnapshot({ ruleId: 'low', priority: 1, variant: { id: 'v-low', destinationUrl: 'https://low.example.com/' } }));
      expect(variantOf().variantId).toBe('v-a');
      table.putRule(ruleSnapshot({ ruleId: 'top', priority: 50, when: { countryIn: ['FR'] }, variant: { id: 'v-top', destinationUrl: 'https://top.example.com/' } }));
      expect(variantOf().variantId).toBe('v-a'); // top does not match a US visitor
      expect(variantOf({ countryHeader: 'fr' }).variantId).toBe('v-top');
      table.putRule(ruleSnapshot({ ruleId: 'a-rule', priority: 10, enabled: false, version: 2, variant: { id: 'v-a', destinationUrl: 'https://a.example.com/' } }));
      expect(variantOf().variantId).toBe('v-b'); // a disabled rule is skipped
    });

    const conditions: Array<[string, RuleSnapshotV1['when'], RuleSnapshotV1['when']]> = [
      ['campaignIn', { campaignIn: ['spring-launch'] }, { campaignIn: ['other-campaign'] }],
      ['deviceIn', { deviceIn: ['mobile', 'tablet'] }, { deviceIn: ['desktop'] }],
      ['countryIn', { countryIn: ['US', 'CA'] }, { countryIn: ['DE'] }],
      ['sourceIn', { sourceIn: ['newsletter'] }, { sourceIn: ['search'] }],
    ];
    it.each(conditions)('condition %s: matches when the click is in the list, not otherwise', (_, yes, no) => {
      table.putRule(ruleSnapshot({ ruleId: 'r-no', priority: 2, when: no, variant: { id: 'v-no', destinationUrl: 'https://no.example.com/' } }));
      table.putRule(ruleSnapshot({ ruleId: 'r-yes', priority: 1, when: yes, variant: { id: 'v-yes', destinationUrl: 'https://yes.example.com/' } }));
      expect(variantOf({ utmSource: 'Newsletter' }).variantId).toBe('v-yes');
    });

    it('requires every present condition to match', () => {
      table.putRule(ruleSnapshot({ ruleId: 'all', when: { campaignIn: ['spring-launch'], deviceIn: ['mobile'], countryIn: ['US'], sourceIn: ['search'] } }));
      expect(variantOf().variantId).toBe('v1'); // google referrer → search
      expect(variantOf({ countryHeader: 'de' }).variantId).toBeNull();
      expect(variantOf({ referrer: undefined }).variantId).toBeNull(); // direct
    });

    it('never applies one handle\'s rules to another handle', () => {
      table.putLink(linkSnapshot({ handle: 'other' }));
      table.putCampaign(campaignSnapshot({ handle: 'other' }));
      table.putRule(ruleSnapshot({ handle: 'acme', ruleId: 'r' }));
      expect(variantOf({ handle: 'other' }).variantId).toBeNull();
    });

    it('personalizes a link of a paused campaign too, recording nothing', () => {
      table.putCampaign(campaignSnapshot({ status: 'PAUSED', version: 2 }));
      table.putRule(ruleSnapshot({ ruleId: 'r' }));
      expect(variantOf()).toMatchObject({ variantId: 'v1', clickId: null });
      expect(sink.clicks).toEqual([]);
    });
  });
});
