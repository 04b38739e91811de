// class-transformer's @Type in the contracts reads decorator metadata.
import 'reflect-metadata';
import { PutRuleBody, validateInput } from '@funnel/contracts';

const seedRule = {
  ruleId: 'spring-mobile-variant',
  enabled: true,
  priority: 100,
  when: { campaignIn: ['spring-launch'], deviceIn: ['MOBILE'] },
  variant: { id: 'mobile-optimized', destinationUrl: 'https://m.shop.example.com/spring' },
};

describe('PutRuleBody', () => {
  it('accepts the seed example and normalizes device classes, countries and sources', () => {
    const checked = validateInput(PutRuleBody, { ...seedRule, when: { ...seedRule.when, deviceIn: ['MOBILE', 'Tablet'], countryIn: ['us', 'De'], sourceIn: ['Email'] } });
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.value.when).toEqual({ campaignIn: ['spring-launch'], deviceIn: ['mobile', 'tablet'], countryIn: ['US', 'DE'], sourceIn: ['email'] });
  });

  it.each([
    ['ftp destination', { variant: { id: 'v', destinationUrl: 'ftp://x.example.com/' } }, 'variant.destinationUrl'],
    ['unknown device', { when: { deviceIn: ['WATCH'] } }, 'when.deviceIn'],
    ['non-ISO country', { when: { countryIn: ['UK'] } }, 'when.countryIn'],
    ['duplicate countries', { when: { countryIn: ['US', 'us'] } }, 'when.countryIn'],
    ['negative priority', { priority: -1 }, 'priority'],
    ['missing variant', { variant: undefined }, 'variant'],
    ['unknown field', { colour: 'red' }, 'colour'],
  ])('refuses %s', (_what, override, field) => {
    const checked = validateInput(PutRuleBody, { ...seedRule, ...override });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error.fields?.map((f) => f.field)).toContain(field);
  });
});
