import 'reflect-metadata';
import { CreateCampaignBody, PutRuleBody, RuleWhenDto } from '@funnel/contracts';
import { schemaOf } from './openapi';

describe('schemaOf', () => {
  it('reads class-validator rules into JSON Schema', () => {
    const schema = schemaOf(CreateCampaignBody, (t) => t.name) as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(schema.required).toEqual(['goalType']);
    expect(schema.properties.goalType).toMatchObject({ enum: ['PRODUCT_SALE', 'LEAD_CAPTURE', 'NEWSLETTER', 'AFFILIATE_CLICKOUT', 'APP_INSTALL'] });
    expect(schema.properties.campaignId).toMatchObject({ type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{2,63}$' });
    expect(schema.properties.cookieDurationDays).toMatchObject({ type: 'integer', minimum: 0, maximum: 365 });
  });

  it('refers to nested DTOs and describes arrays item by item', () => {
    const seen: string[] = [];
    const schema = schemaOf(PutRuleBody, (t) => (seen.push(t.name), t.name)) as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(schema.properties.variant).toMatchObject({ $ref: '#/components/schemas/RuleVariantDto' });
    expect(seen).toEqual(expect.arrayContaining(['RuleWhenDto', 'RuleVariantDto']));
    expect(schema.required.sort()).toEqual(['priority', 'variant']);
    const when = schemaOf(RuleWhenDto, (t) => t.name) as { properties: Record<string, Record<string, unknown>> };
    expect(when.properties.deviceIn).toMatchObject({ type: 'array', items: { enum: ['desktop', 'mobile', 'tablet', 'bot', 'other'] } });
  });
});
