import { Inject, Injectable } from '@nestjs/common';
import { CampaignEnv } from '@funnel/config';
import { CAMPAIGN_ID_PATTERN, createEnvelope, fail, Failure, LinkDeletedV1, LinkView, ListLinksQuery, ok, Result, SLUG_PATTERN } from '@funnel/contracts';
import { CAMPAIGN_ENV } from '../../platform/campaign.config';
import { versionedWrite } from '../../platform/event-store/versioned-write';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../../platform/rpc/cursor';
import { applyLinkEvent, LinkState, toLinkView } from '../link';
import { LinkRepository } from '../link.repository';
import { invalidSlug } from './put-link';

export const linkNotFound = (slug: string): Failure => fail('link_not_found', `Link '${slug}' does not exist.`);

type BaseUrl = Pick<CampaignEnv, 'PUBLIC_REDIRECT_BASE_URL'>;

@Injectable()
export class GetLink {
  constructor(
    private readonly links: LinkRepository,
    @Inject(CAMPAIGN_ENV) private readonly env: BaseUrl,
  ) {}

  async execute({ handle, slug }: { handle: string; slug: string }): Promise<Result<LinkView>> {
    if (!SLUG_PATTERN.test(slug)) return invalidSlug();
    const link = await this.links.find(handle, slug);
    return link && !link.deleted ? ok(toLinkView(link, this.env.PUBLIC_REDIRECT_BASE_URL)) : linkNotFound(slug);
  }
}

/** DELETE: a link.deleted event; the redirect edge gets a tombstone and stops serving the slug. */
@Injectable()
export class DeleteLink {
  constructor(private readonly links: LinkRepository) {}

  async execute({ handle, requestId, slug, ifMatch }: { handle: string; requestId: string; slug: string; ifMatch?: number }): Promise<Result<{ deleted: true; slug: string; version: number }>> {
    if (!SLUG_PATTERN.test(slug)) return invalidSlug();
    const result = await versionedWrite<LinkState>({
      ifMatch,
      load: async () => {
        const link = await this.links.find(handle, slug);
        return link && !link.deleted ? link : null;
      },
      save: (state, events) => this.links.save(state, events),
      decide: (current) => {
        if (!current) return linkNotFound(slug);
        const event = createEnvelope({
          type: LinkDeletedV1.type,
          version: LinkDeletedV1.version,
          handle,
          aggregateId: slug,
          aggregateVersion: current.version + 1,
          correlationId: requestId || undefined,
          payload: { slug },
        });
        return { ok: true, state: applyLinkEvent(current, event), events: [event] };
      },
    });
    return result.ok ? ok({ deleted: true, slug, version: result.state.version }) : result;
  }
}

/** Live links by slug, optionally of one campaign; keyset-paginated on slug. */
@Injectable()
export class ListLinks {
  constructor(
    private readonly links: LinkRepository,
    @Inject(CAMPAIGN_ENV) private readonly env: BaseUrl,
  ) {}

  async execute({ handle, query }: { handle: string; query: ListLinksQuery }): Promise<Result<{ links: LinkView[]; nextCursor: string | null }>> {
    if (query.campaignId !== undefined && !CAMPAIGN_ID_PATTERN.test(query.campaignId)) {
      return fail('invalid_campaign_id', 'Campaign ID does not match required pattern ^[a-z0-9][a-z0-9_-]{2,63}$.');
    }
    const cursor = decodeCursor(query.cursor, 1);
    if (!cursor.ok) return cursor;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.links.list(handle, { campaignId: query.campaignId, afterSlug: cursor.key?.[0], limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return ok({
      links: page.map((l) => toLinkView(l, this.env.PUBLIC_REDIRECT_BASE_URL)),
      nextCursor: rows.length > limit && last ? encodeCursor([last.slug]) : null,
    });
  }
}
