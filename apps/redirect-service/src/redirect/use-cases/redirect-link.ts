import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { HANDLE_PATTERN, SLUG_PATTERN, uuidV7 } from '@funnel/contracts';
import { CLICK_CAPTURE } from '../../clicks/captured-click';
import type { ClickCapture } from '../../clicks/captured-click';
import { LinkTable } from '../../link-table/link-table';
import type { Variant } from '../../personalization/rule-book';
import { buildClickContext, ClickContextInput } from '../click-context';
import { appendContextParam } from '../context-param';

export interface RedirectCommand extends ClickContextInput {
  handle: string;
  slug: string;
  /** From the visitor cookie; null when the visitor has none (a new id is then issued). */
  visitorId: string | null;
  now?: Date;
}

export type RedirectOutcome =
  | { kind: 'not_found' }
  /** The link table is still loading and does not hold this link yet: "not found" could be wrong. */
  | { kind: 'loading' }
  | {
      kind: 'redirect';
      location: string;
      /** Set when a click was recorded. */
      clickId: string | null;
      /** The personalization variant whose destination was used, if a rule matched. */
      variantId: string | null;
      /** Set when a new visitor id was issued and must be stored in the cookie. */
      newVisitorId: string | null;
    };

/**
 * The hot path: look the link up in memory, pick the destination (the first matching
 * personalization rule's variant, else the link's own), build the Location, and capture the click
 * when the link's campaign is ACTIVE. No I/O and no more work than the answer needs: the click's
 * context and event are worked out by the click worker (see ClickRecorder), and only a handle
 * with personalization rules has its context worked out here, for the rules.
 */
@Injectable()
export class RedirectLink {
  constructor(
    private readonly table: LinkTable,
    @Inject(CLICK_CAPTURE) private readonly clicks: ClickCapture,
  ) {}

  execute(command: RedirectCommand): RedirectOutcome {
    const { handle, slug } = command;
    // Malformed names cannot be links; answering before the lookup keeps junk away from state.
    if (!HANDLE_PATTERN.test(handle) || !SLUG_PATTERN.test(slug)) return { kind: 'not_found' };
    const resolved = this.table.resolve(handle, slug);
    if (!resolved) return this.table.ready ? { kind: 'not_found' } : { kind: 'loading' };
    const { link, tracked } = resolved;

    let variant: Variant | null = null;
    if (this.table.rules.has(handle)) {
      // The rules read the device, country and source, which the rate window does not change.
      const context = buildClickContext(command);
      variant = this.table.rules.select(handle, { campaignId: link.campaignId, device: context.device, country: context.country, source: context.source });
    }
    const destination = variant ? variant.location : link.location;
    const variantId = variant ? variant.id : null;

    // The destination gets the context param whenever the link asks for it; the click behind
    // the id is recorded only while the campaign is ACTIVE.
    const clickId = tracked || link.appendContextParam ? uuidV7() : null;
    const location = link.appendContextParam && clickId ? appendContextParam(destination, clickId) : destination;
    if (!tracked || !clickId || link.campaignId === null) return { kind: 'redirect', location, clickId: null, variantId, newVisitorId: null };

    const newVisitorId = command.visitorId ? null : randomUUID();
    this.clicks.capture({
      clickId,
      occurredAt: command.now?.getTime() ?? Date.now(),
      handle,
      campaignId: link.campaignId,
      slug: link.slug,
      visitorId: command.visitorId ?? (newVisitorId as string),
      variantId,
      method: command.method,
      userAgent: command.userAgent,
      referrer: command.referrer,
      utmSource: command.utmSource,
      countryHeader: command.countryHeader,
      ip: command.ip,
    });
    return { kind: 'redirect', location, clickId, variantId, newVisitorId };
  }
}
