import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateCampaignBody } from '../campaigns/campaign.rpc';
import { PutLinkBody } from '../links/link.rpc';
import { validationError } from '../rpc/rpc-reply';
import { toFieldErrors } from './field-error';

const errorsOf = <T extends object>(cls: new () => T, plain: object) => validateSync(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true });

describe('toFieldErrors', () => {
  it('names constraints in snake_case, a missing value as required, an unknown field as unknown_field', () => {
    const fields = toFieldErrors(errorsOf(CreateCampaignBody, { status: 'GONE', colour: 'red' }));
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'goalType', code: 'required' }),
        expect.objectContaining({ field: 'status', code: 'is_in' }),
        expect.objectContaining({ field: 'colour', code: 'unknown_field' }),
      ]),
    );
  });

  it('names nested fields parent.child', () => {
    const fields = toFieldErrors(errorsOf(PutLinkBody, { destinationUrl: 'https://a.example', trackingPolicy: { mode: 'X', appendContextParam: true } }));
    expect(fields).toEqual([expect.objectContaining({ field: 'trackingPolicy.mode', code: 'is_in' })]);
  });
});

describe('validationError', () => {
  it('is invalid_campaign_id when the campaignId breaks its pattern, else validation_failed counting fields', () => {
    expect(validationError([{ field: 'campaignId', code: 'matches', message: 'm' }])).toMatchObject({ status: 400, error: 'invalid_campaign_id' });
    expect(validationError([{ field: 'campaignId', code: 'unknown_field', message: 'm' }])).toMatchObject({ error: 'validation_failed', message: 'Validation failed for 1 field' });
    expect(validationError([{ field: 'a', code: 'x', message: 'm' }, { field: 'a', code: 'y', message: 'm' }, { field: 'b', code: 'x', message: 'm' }])).toMatchObject({
      error: 'validation_failed',
      message: 'Validation failed for 2 fields',
    });
  });
});
