import { Inject, Injectable } from '@nestjs/common';
import { CampaignEnv } from '@funnel/config';
import { createEnvelope, fail, Failure, LinkUpsertedV1, LinkView, ok, PutLinkBody, Result, SLUG_PATTERN } from '@funnel/contracts';
import { CAMPAIGN_ENV } from '../../platform/campaign.config';
import { CampaignRepository } from '../../campaigns/campaign.repository';
import { versionedWrite } from '../../platform/event-store/versioned-write';
import { applyLinkEvent, DEFAULT_TRACKING_POLICY, LinkState, toLinkView } from '../link';
import { LinkRepository } from '../link.repository';

export interface PutLinkCommand {
  handle: string;
  requestId: string;
  slug: string;
  body: PutLinkBody;
  ifMatch?: number;
}

export const invalidSlug = (): Failure => fail('invalid_slug', 'Slug must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$.');

/**
 * PUT semantics: creates the link or replaces it whole (an omitted field takes its default).
 * Concurrent PUTs without If-Match are applied one after the other (the last wins, none is lost).
 */
@Injectable()
export class PutLink {
  constructor(
    private readonly links: LinkRepository,
    private readonly campaigns: CampaignRepository,
    @Inject(CAMPAIGN_ENV) private readonly env: Pick<CampaignEnv, 'PUBLIC_REDIRECT_BASE_URL'>,
  ) {}

  async execute({ handle, requestId, slug, body, ifMatch }: PutLinkCommand): Promise<Result<LinkView>> {
    if (!SLUG_PATTERN.test(slug)) return invalidSlug();
    const campaignId = body.campaignId ?? null;
    // Tenancy: only a campaign of this handle can be referenced; another handle's id is simply not found.
    if (campaignId !== null && !(await this.campaigns.find(handle, campaignId))) {
      return fail('campaign_not_found', `Campaign '${campaignId}' does not exist.`);
    }
    const trackingPolicy = body.trackingPolicy
      ? { mode: body.trackingPolicy.mode, appendContextParam: body.trackingPolicy.appendContextParam }
      : { ...DEFAULT_TRACKING_POLICY };
    const result = await versionedWrite<LinkState>({
      ifMatch,
      load: () => this.links.find(handle, slug),
      save: (state, events) => this.links.save(state, events),
      decide: (current) => {
        const payload: LinkUpsertedV1 = { slug, destinationUrl: body.destinationUrl, campaignId, trackingPolicy };
        const event = createEnvelope({
          type: LinkUpsertedV1.type,
          version: LinkUpsertedV1.version,
          handle,
          aggregateId: slug,
          aggregateVersion: (current?.version ?? 0) + 1,
          correlationId: requestId || undefined,
          payload,
        });
        return { ok: true, state: applyLinkEvent(current, event), events: [event] };
      },
    });
    if (!result.ok) return result;
    const link = result.state;
    return ok(toLinkView(link, this.env.PUBLIC_REDIRECT_BASE_URL));
  }
}
