import { ConversionFieldsV1 } from './conversion-fields.v1';

/** conversion.recorded v1 — a real, counted conversion. aggregateId = conversionId. */
export class ConversionRecordedV1 extends ConversionFieldsV1 {
  static readonly type = 'conversion.recorded';
  static readonly version = 1;
}
