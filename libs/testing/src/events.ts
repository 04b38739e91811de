import { ClickRecordedV1, createEnvelope, Envelope, newEventId } from '@funnel/contracts';

/** A valid click.recorded event of a desktop visitor from the US, served `variantId` (none by default). */
export function clickEvent(handle: string, campaignId: string, clickId = newEventId(), variantId: string | null = null): Envelope<ClickRecordedV1> {
  return createEnvelope<ClickRecordedV1>({
    eventId: clickId,
    type: ClickRecordedV1.type,
    version: ClickRecordedV1.version,
    handle,
    aggregateId: clickId,
    payload: {
      clickId,
      campaignId,
      linkSlug: 'promo',
      visitorId: 'v-1',
      userAgent: 'Mozilla/5.0',
      referrer: '',
      source: 'direct',
      country: 'US',
      device: 'desktop',
      isBot: false,
      botReason: null,
      variantId,
    },
  });
}
