import 'reflect-metadata';
import { ruleSnapshot } from '../../test/fixtures';
import { parseRuleSnapshot } from '@funnel/contracts';
import { RuleBook } from './rule-book';

const mobileUs = { campaignId: 'spring-launch', device: 'mobile' as const, country: 'US', source: 'search' };

describe('RuleBook', () => {
  it('keeps the newest version of a rule, ignores stale ones and forgets tombstoned ones', () => {
    const book = new RuleBook();
    expect(book.put('acme/r', ruleSnapshot({ ruleId: 'r', version: 2, variant: { id: 'v2', destinationUrl: 'https://v2.example.com/' } }))).toBe('applied');
    expect(book.put('acme/r', ruleSnapshot({ ruleId: 'r', version: 1, variant: { id: 'v1', destinationUrl: 'https://v1.example.com/' } }))).toBe('stale');
    expect(book.select('acme', mobileUs)).toEqual({ id: 'v2', location: 'https://v2.example.com/' });
    expect(book.size).toBe(1);
    expect(book.delete('acme/r')).toBe('deleted');
    expect(book.delete('acme/r')).toBe('absent');
    expect(book.has('acme')).toBe(false);
    expect(book.select('acme', mobileUs)).toBeNull();
    expect(book.size).toBe(0);
  });

  it('normalises condition case and sends internationalised destinations header-safe', () => {
    const book = new RuleBook();
    book.put('acme/r', ruleSnapshot({ ruleId: 'r', when: { countryIn: ['us'], sourceIn: ['Search'] }, variant: { id: 'v', destinationUrl: 'https://bücher.example/ä' } }));
    expect(book.select('acme', mobileUs)).toEqual({ id: 'v', location: 'https://xn--bcher-kva.example/%C3%A4' });
  });

  it('sorts a handle\'s rules when one changes, never per click', () => {
    const book = new RuleBook();
    for (let i = 0; i < 100; i++) {
      book.put(`acme/r${i}`, ruleSnapshot({ ruleId: `r${i}`, priority: i % 7, when: { countryIn: ['GB'] }, variant: { id: `v${i}`, destinationUrl: 'https://v.example.com/' } }));
    }
    book.put('acme/last', ruleSnapshot({ ruleId: 'last', priority: 0, variant: { id: 'last', destinationUrl: 'https://last.example.com/' } }));
    const sort = jest.spyOn(Array.prototype, 'sort');
    try {
      for (let i = 0; i < 1000; i++) expect(book.select('acme', mobileUs)).toEqual({ id: 'last', location: 'https://last.example.com/' });
      expect(sort).not.toHaveBeenCalled();
    } finally {
      sort.mockRestore();
    }
  });

  it('treats an empty condition list as matching nothing', () => {
    const book = new RuleBook();
    book.put('acme/r', ruleSnapshot({ ruleId: 'r', when: { deviceIn: [] } }));
    expect(book.select('acme', mobileUs)).toBeNull();
  });
});

describe('parseRuleSnapshot', () => {
  const raw = (overrides: Record<string, unknown> = {}) => JSON.stringify({ ...ruleSnapshot({ ruleId: 'r' }), ...overrides });

  it('accepts a valid rule and drops absent conditions', () => {
    const parsed = parseRuleSnapshot('acme/r', raw({ when: { deviceIn: ['mobile'], countryIn: null } }));
    expect(parsed).toMatchObject({ ok: true, value: { ruleId: 'r', when: { deviceIn: ['mobile'] } } });
    if (parsed.ok) expect('countryIn' in parsed.value.when).toBe(false);
  });

  it.each([
    ['a key naming another tenant', 'other/r', raw()],
    ['a wrong schema', 'acme/r', raw({ schema: 'rule-snapshot.v2' })],
    ['an unknown device class', 'acme/r', raw({ when: { deviceIn: ['phone'] } })],
    ['a three-letter country', 'acme/r', raw({ when: { countryIn: ['USA'] } })],
    ['a non-list condition', 'acme/r', raw({ when: { sourceIn: 'search' } })],
    ['a javascript: destination', 'acme/r', raw({ variant: { id: 'v', destinationUrl: 'javascript:alert(1)' } })],
    ['a destination with a newline', 'acme/r', raw({ variant: { id: 'v', destinationUrl: 'https://a.example/\r\nSet-Cookie: x=1' } })],
    ['a fractional priority', 'acme/r', raw({ priority: 1.5 })],
    ['a missing enabled flag', 'acme/r', raw({ enabled: 'yes' })],
    ['broken JSON', 'acme/r', '{"schema":'],
  ])('rejects %s', (_, key, value) => {
    expect(parseRuleSnapshot(key, value).ok).toBe(false);
  });
});
