/**
 * What the request thread knows about a recorded click: its ids and the raw request facts. The
 * click's context (device, browser, OS, country, source, bot verdict) and its envelope are worked
 * out later, off the request thread, by ClickRecorder.
 */
export interface CapturedClick {
  clickId: string;
  /** Epoch milliseconds of the redirect. */
  occurredAt: number;
  handle: string;
  campaignId: string;
  slug: string;
  visitorId: string;
  /** The personalization variant that was served, if a rule matched. */
  variantId: string | null;
  method: string;
  userAgent: string | undefined;
  referrer: string | undefined;
  utmSource: string | undefined;
  countryHeader: string | undefined;
  ip: string | undefined;
}

/** Where the redirect hands a recorded click: synchronous, never throws, never waits on I/O. */
export interface ClickCapture {
  capture(click: CapturedClick): void;
}

export const CLICK_CAPTURE = Symbol('CLICK_CAPTURE');

/** Values per click in a packed batch (the fields of CapturedClick, in packClick's order). */
export const PACKED_FIELDS = 13;

/**
 * Appends a click to a flat array: a batch of clicks crosses to the click worker as one array of
 * strings and numbers, which the structured clone copies far faster than an array of objects.
 */
export function packClick(into: unknown[], c: CapturedClick): void {
  into.push(c.clickId, c.occurredAt, c.handle, c.campaignId, c.slug, c.visitorId, c.variantId, c.method, c.userAgent, c.referrer, c.utmSource, c.countryHeader, c.ip);
}

/** The clicks of a packed batch; throws on a batch that packClick did not produce. */
export function unpackClicks(packed: readonly unknown[]): CapturedClick[] {
  if (packed.length % PACKED_FIELDS !== 0) throw new RangeError(`a packed click batch holds a multiple of ${PACKED_FIELDS} values, not ${packed.length}`);
  const clicks: CapturedClick[] = [];
  for (let i = 0; i < packed.length; i += PACKED_FIELDS) {
    clicks.push({
      clickId: packed[i] as string,
      occurredAt: packed[i + 1] as number,
      handle: packed[i + 2] as string,
      campaignId: packed[i + 3] as string,
      slug: packed[i + 4] as string,
      visitorId: packed[i + 5] as string,
      variantId: packed[i + 6] as string | null,
      method: packed[i + 7] as string,
      userAgent: packed[i + 8] as string | undefined,
      referrer: packed[i + 9] as string | undefined,
      utmSource: packed[i + 10] as string | undefined,
      countryHeader: packed[i + 11] as string | undefined,
      ip: packed[i + 12] as string | undefined,
    });
  }
  return clicks;
}
