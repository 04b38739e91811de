import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isCurrencyCode, jsonDepth, METADATA_MAX_BYTES } from './conversion';
import { RecordConversionBody } from './conversion.rpc';

const fieldsOf = (body: Record<string, unknown>) =>
  validateSync(plainToInstance(RecordConversionBody, { eventType: 'purchase', value: 1, currency: 'USD', ...body }), { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);

describe('conversion body rules', () => {
  it('knows ISO 4217 codes, upper case only', () => {
    expect(['USD', 'EUR', 'JPY', 'NPR'].every(isCurrencyCode)).toBe(true);
    expect(['usd', 'XYZ', 'US', 'USDD', 3].some(isCurrencyCode)).toBe(false);
    expect(fieldsOf({ currency: 'ABC' })).toEqual(['currency']);
  });

  it('bounds metadata by serialized size and depth', () => {
    expect(jsonDepth({ a: [{ b: 1 }] })).toBe(3);
    expect(fieldsOf({ metadata: { orderId: '12345', items: 3, nested: { a: { b: { c: 1 } } } } })).toEqual([]);
    expect(fieldsOf({ metadata: { s: 'é'.repeat(METADATA_MAX_BYTES / 2) } })).toEqual(['metadata']);
    expect(fieldsOf({ metadata: { a: { b: { c: { d: 1 } } } } })).toEqual([]);
    expect(fieldsOf({ metadata: { a: { b: { c: { d: { e: {} } } } } } })).toEqual(['metadata']);
    expect(fieldsOf({ metadata: [1, 2] })).toEqual(['metadata']);
  });

  it('takes a visitor id instead of a click id, and refuses a negative value', () => {
    expect(fieldsOf({ visitorId: 'v-1' })).toEqual([]);
    expect(fieldsOf({ value: -0.01 })).toEqual(['value']);
  });
});
