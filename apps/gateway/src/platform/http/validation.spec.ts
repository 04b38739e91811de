import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { AnalyticsQuery, CreateCampaignBody, PutLinkBody } from '@funnel/contracts';
import { ApiException } from './api.exception';
import { GatewayValidationPipe } from './validation';

const pipe = new GatewayValidationPipe();
const asBody = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

async function failure(value: unknown, metatype: ArgumentMetadata['metatype']) {
  try {
    await pipe.transform(value, asBody(metatype));
  } catch (e) {
    if (e instanceof ApiException) return { status: e.getStatus(), code: e.errorCode, message: e.message, fields: e.fields };
    throw e;
  }
  throw new Error('pipe accepted the value');
}

describe('GatewayValidationPipe', () => {
  it('passes and transforms a valid body', async () => {
    const out = await pipe.transform({ goalType: 'PRODUCT_SALE', campaignId: 'spring-launch' }, asBody(CreateCampaignBody));
    expect(out).toBeInstanceOf(CreateCampaignBody);
  });

  it('lists every bad field with a code', async () => {
    const result = await failure({ goalType: 'NOPE', status: 'LIVE', extra: 1 }, CreateCampaignBody);
    expect(result.status).toBe(400);
    expect(result.code).toBe('validation_failed');
    expect(result.message).toBe('Validation failed for 3 fields');
    expect(result.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'goalType', code: 'is_in' }),
        expect.objectContaining({ field: 'status', code: 'is_in' }),
        expect.objectContaining({ field: 'extra', code: 'unknown_field' }),
      ]),
    );
  });

  it('reads breakdownLimit from the query string as an integer 1-100', async () => {
    const asQuery: ArgumentMetadata = { type: 'query', metatype: AnalyticsQuery };
    expect(await pipe.transform({ funnel: 'true', breakdownLimit: '5' }, asQuery)).toMatchObject({ funnel: 'true', breakdownLimit: 5 });
    for (const bad of ['0', '101', '2.5', 'ten']) {
      const result = await failure({ funnel: 'true', breakdownLimit: bad }, AnalyticsQuery);
      expect(result.status).toBe(400);
      expect(result.fields?.length).toBeGreaterThan(0);
      expect(result.fields?.every((f) => f.field === 'breakdownLimit')).toBe(true);
    }
  });

  it('calls a missing field required', async () => {
    const result = await failure({}, CreateCampaignBody);
    expect(result.fields).toEqual([{ field: 'goalType', message: 'goalType is required', code: 'required' }]);
  });

  it('uses invalid_campaign_id for a campaignId that breaks its pattern (seed 000)', async () => {
    const result = await failure({ goalType: 'PRODUCT_SALE', campaignId: 'Bad ID!' }, CreateCampaignBody);
    expect(result).toMatchObject({ status: 400, code: 'invalid_campaign_id' });
    expect(result.fields).toEqual([expect.objectContaining({ field: 'campaignId', code: 'matches' })]);
  });

  it('names nested fields by path', async () => {
    const result = await failure({ destinationUrl: 'https://x.example/a', trackingPolicy: { mode: 'SIDEWAYS', appendContextParam: true } }, PutLinkBody);
    expect(result.fields).toEqual([expect.objectContaining({ field: 'trackingPolicy.mode', code: 'is_in' })]);
  });

  it('refuses bodies that are not objects', async () => {
    for (const value of ['text', 42, [], null]) {
      expect(await failure(value, CreateCampaignBody)).toMatchObject({ status: 400, code: 'validation_failed', fields: [expect.objectContaining({ field: 'body' })] });
    }
  });
});
