import { Inject, Injectable } from '@nestjs/common';
import { CampaignEnv } from '@funnel/config';
import { createEnvelope, LinkUpsertedV1, LinkView, PutLinkBody, RpcReply, rpcFail, rpcOk, SLUG_PATTERN } from '@funnel/contracts';
import { CAMPAIGN_ENV } from '../../campaign.config';
import { CampaignRepository } from '../../campaigns/campaign.repository';
import { ConcurrencyError } from '../../event-store/concurrency.error';
import { applyLinkEvent, DEFAULT_TRACKING_POLICY, toLinkView } from '../link';
import { LinkRepository } from '../link.repository';

export interface PutLinkCommand {
  handle: string;
  requestId: string;
  slug: string;
  body: PutLinkBody;
}

export const invalidSlug = (): RpcReply<never> => rpcFail(400, 'invalid_slug', 'Slug must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$.');

/** PUT semantics: creates the link or replaces it whole (an omitted field takes its default). */
@Injectable()
export class PutLink {
  constructor(
    private readonly links: LinkRepository,
    private readonly campaigns: CampaignRepository,
    @Inject(CAMPAIGN_ENV) private readonly env: Pick<CampaignEnv, 'PUBLIC_REDIRECT_BASE_URL'>,
  ) {}

  async execute({ handle, requestId, slug, body }: PutLinkCommand): Promise<RpcReply<LinkView>> {
    if (!SLUG_PATTERN.test(slug)) return invalidSlug();
    const campaignId = body.campaignId ?? null;
    // Tenancy: only a campaign of this handle can be referenced; another handle's id is simply not found.
    if (campaignId !== null && !(await this.campaigns.find(handle, campaignId))) {
      return rpcFail(404, 'campaign_not_found', `Campaign '${campaignId}' does not exist.`);
    }
    const current = await this.links.find(handle, slug);
    const payload: LinkUpsertedV1 = {
      slug,
      destinationUrl: body.destinationUrl,
      campaignId,
      trackingPolicy: body.trackingPolicy
        ? { mode: body.trackingPolicy.mode, appendContextParam: body.trackingPolicy.appendContextParam }
        : { ...DEFAULT_TRACKING_POLICY },
    };
    const event = createEnvelope({
      type: LinkUpsertedV1.type,
      version: LinkUpsertedV1.version,
      handle,
      aggregateId: slug,
      aggregateVersion: (current?.version ?? 0) + 1,
      correlationId: requestId || undefined,
      payload,
    });
    const link = applyLinkEvent(current, event);
    try {
      await this.links.save(link, [event]);
    } catch (e) {
      if (e instanceof ConcurrencyError) {
        return rpcFail(409, 'link_conflict', `Link '${slug}' was changed by another request at the same time; retry.`);
      }
      throw e;
    }
    return rpcOk(toLinkView(link, this.env.PUBLIC_REDIRECT_BASE_URL));
  }
}
