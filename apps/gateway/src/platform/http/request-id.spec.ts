import { resolveRequestId } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('resolveRequestId', () => {
  it('echoes a sane caller id', () => {
    expect(resolveRequestId('550e8400-e29b-41d4-a716-446655440000')).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(resolveRequestId('job:42.retry_1')).toBe('job:42.retry_1');
    expect(resolveRequestId('a'.repeat(128))).toBe('a'.repeat(128));
  });

  it('generates a UUID when none is given', () => {
    expect(resolveRequestId(undefined)).toMatch(UUID);
    expect(resolveRequestId('')).toMatch(UUID);
  });

  it('replaces ids that are too long, contain odd characters or were sent twice', () => {
    expect(resolveRequestId('a'.repeat(129))).toMatch(UUID);
    expect(resolveRequestId('abc def')).toMatch(UUID);
    expect(resolveRequestId('abc\r\nx-evil: 1')).toMatch(UUID);
    expect(resolveRequestId('<script>')).toMatch(UUID);
    expect(resolveRequestId(['a', 'b'])).toMatch(UUID);
  });

  it('generates a fresh id each time', () => {
    expect(resolveRequestId(undefined)).not.toBe(resolveRequestId(undefined));
  });
});
