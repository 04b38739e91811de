import { ConversionRecordedV1, ConversionTestedV1, ConversionView, createEnvelope, Envelope } from '@funnel/contracts';
import { ClickVariant } from './attribution';
import { ConversionRecord } from './conversions.repository';

type ConversionPayload = ConversionRecordedV1;

function payload(record: ConversionRecord): ConversionPayload {
  return {
    conversionId: record.conversionId,
    campaignId: record.campaignId,
    clickId: record.clickId,
    orderId: record.orderId,
    eventType: record.eventType,
    value: record.value,
    currency: record.currency,
    metadata: record.metadata,
    test: record.test,
  };
}

/**
 * occurredAt is when the conversion happened, also when it is counted later (its click arrived
 * after it), so analytics place it in the right time bucket. `clickVariantId` is the credited
 * click's variant, analytics' segment of the conversion; left out when not known.
 */
export function conversionRecordedEvent(record: ConversionRecord, clickVariantId: ClickVariant, correlationId?: string): Envelope<ConversionRecordedV1> {
  const p = payload(record);
  if (clickVariantId !== undefined) p.clickVariantId = clickVariantId;
  return createEnvelope<ConversionRecordedV1>({
    type: ConversionRecordedV1.type,
    version: ConversionRecordedV1.version,
    handle: record.handle,
    aggregateId: record.conversionId,
    aggregateVersion: 1,
    occurredAt: record.createdAt,
    correlationId: correlationId || undefined,
    payload: p,
  });
}

/** A test conversion credits no click, so its event carries no clickVariantId. */
export function conversionTestedEvent(record: ConversionRecord, correlationId?: string): Envelope<ConversionTestedV1> {
  return createEnvelope<ConversionTestedV1>({
    type: ConversionTestedV1.type,
    version: ConversionTestedV1.version,
    handle: record.handle,
    aggregateId: record.conversionId,
    aggregateVersion: 1,
    occurredAt: record.createdAt,
    correlationId: correlationId || undefined,
    payload: payload(record),
  });
}

export function toConversionView(record: ConversionRecord): ConversionView {
  return {
    conversionId: record.conversionId,
    handle: record.handle,
    campaignId: record.campaignId,
    clickId: record.clickId,
    visitorId: record.visitorId,
    orderId: record.orderId,
    eventType: record.eventType,
    value: record.value,
    currency: record.currency,
    metadata: record.metadata,
    test: record.test,
    status: record.status,
    statusReason: record.statusReason,
    createdAt: record.createdAt.toISOString(),
  };
}
