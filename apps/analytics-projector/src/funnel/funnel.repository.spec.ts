import { decimalToUnits } from './funnel.repository';

describe('decimalToUnits', () => {
  it('reads ClickHouse decimals exactly into ten-thousandths', () => {
    expect(decimalToUnits('0')).toBe(0n);
    expect(decimalToUnits('0.0000')).toBe(0n);
    expect(decimalToUnits('5234.5000')).toBe(52345000n);
    expect(decimalToUnits('1.2')).toBe(12000n);
    expect(decimalToUnits('99999999999999999999.9999')).toBe(999999999999999999999999n);
    expect(decimalToUnits('-3.0001')).toBe(-30001n);
  });

  it('refuses what is not a decimal of scale 4', () => {
    expect(() => decimalToUnits('abc')).toThrow(TypeError);
    expect(() => decimalToUnits('1e5')).toThrow(TypeError);
    expect(() => decimalToUnits('1.00001')).toThrow(RangeError);
  });
});
