import { ConversionFieldsV1 } from './conversion-fields.v1';

/** conversion.tested v1 — a test conversion (`test: true`); never part of analytics. */
export class ConversionTestedV1 extends ConversionFieldsV1 {
  static readonly type = 'conversion.tested';
  static readonly version = 1;
}
