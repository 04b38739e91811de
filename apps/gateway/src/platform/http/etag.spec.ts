import 'reflect-metadata';
import { ApiException } from './api.exception';
import { etagOf, ifMatchParams } from './etag';

describe('ifMatchParams', () => {
  it('reads strong, weak and bare version tags', () => {
    expect(ifMatchParams('"3"')).toEqual({ ifMatch: '3' });
    expect(ifMatchParams('W/"12"')).toEqual({ ifMatch: '12' });
    expect(ifMatchParams('7')).toEqual({ ifMatch: '7' });
    expect(ifMatchParams(etagOf(42))).toEqual({ ifMatch: '42' });
  });

  it('puts no condition for an absent header or *', () => {
    expect(ifMatchParams(undefined)).toEqual({});
    expect(ifMatchParams('*')).toEqual({});
  });

  it.each(['"abc"', '"1", "2"', '-1', '"99999999999"'])('answers 412 for %p, which can never match', (header) => {
    expect(() => ifMatchParams(header)).toThrow(ApiException);
    try {
      ifMatchParams(header);
    } catch (e) {
      expect((e as ApiException).getStatus()).toBe(412);
      expect((e as ApiException).errorCode).toBe('precondition_failed');
    }
  });
});
