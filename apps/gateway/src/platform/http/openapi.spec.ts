import 'reflect-metadata';
import { CreateCampaignBody, PutRuleBody, RuleWhenDto } from '@funnel/contracts';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AnalyticsController } from '../../analytics/analytics.controller';
import { fillQueryParameters, schemaOf } from './openapi';

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

describe('fillQueryParameters', () => {
  it('documents the query parameters of a route taking a contract DTO with @Query()', () => {
    const operation = { operationId: 'AnalyticsController_analytics[1]', parameters: [], responses: {} };
    const document = { openapi: '3.0.0', info: { title: 't', version: '2' }, paths: { '/v2/public/handles/{handle}/analytics': { get: operation } } } as unknown as OpenAPIObject;
    fillQueryParameters(document, [AnalyticsController]);
    const parameters = operation.parameters as Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
    expect(parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['funnel', 'groupBy', 'granularity', 'timeZone', 'campaignId', 'breakdownLimit']));
    expect(parameters.find((p) => p.name === 'breakdownLimit')).toEqual({ name: 'breakdownLimit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } });
    expect(parameters.every((p) => p.in === 'query' && !p.required)).toBe(true);
  });
});
