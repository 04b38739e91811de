import { Injectable } from '@nestjs/common';
import { CAMPAIGN_ID_PATTERN, fail, HealthView, ok, Result } from '@funnel/contracts';
import { LinkRepository } from '../../links/link.repository';
import { CampaignState } from '../campaign';
import { CampaignRepository } from '../campaign.repository';

export interface CheckCampaignHealthCommand {
  handle: string;
  campaignId: string;
}

type Check = HealthView['checks'][number];

/**
 * Seed 000 "Verify campaign health": its three readiness checks, then what a user needs before
 * going live: the campaign ACTIVE and the primary link published to the redirect edge. (The
 * gateway adds the webhook check, which the conversion-service owns.) READY when none fails.
 */
@Injectable()
export class CheckCampaignHealth {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly links: LinkRepository,
  ) {}

  async execute({ handle, campaignId }: CheckCampaignHealthCommand): Promise<Result<HealthView>> {
    if (!CAMPAIGN_ID_PATTERN.test(campaignId)) {
      return fail('invalid_campaign_id', 'Campaign ID does not match required pattern ^[a-z0-9][a-z0-9_-]{2,63}$.');
    }
    const campaign = await this.campaigns.find(handle, campaignId);
    if (!campaign) return fail('campaign_not_found', `Campaign '${campaignId}' does not exist.`);
    const checks: Check[] = [
      { name: 'tracking_preset', status: 'PASS', detail: `Using tracking preset '${campaign.trackingPreset}'.` },
      { name: 'conversion_event_type', status: 'PASS', detail: `Using event type '${campaign.eventType}'.` },
      await this.primaryLink(campaign),
      campaignActive(campaign),
      await this.primaryLinkPublished(campaign),
    ];
    return ok({ campaignId, checks, readiness: checks.some((c) => c.status === 'FAIL') ? 'NOT_READY' : 'READY' });
  }

  /** The edge serves links from a compacted topic the outbox relay feeds; a snapshot still in the outbox is not served yet. */
  private async primaryLinkPublished(campaign: CampaignState): Promise<Check> {
    const name = 'primary_link_published';
    const slug = campaign.primarySlug;
    const link = slug ? await this.links.find(campaign.handle, slug) : null;
    if (!slug || !link || link.deleted) return { name, status: 'FAIL', detail: 'No primary link exists, so the redirect service has nothing to serve.' };
    if (!(await this.links.isPublished(campaign.handle, slug))) {
      return { name, status: 'WARN', detail: `Primary link '${slug}' is saved but still being published to the redirect service; retry in a moment.` };
    }
    return { name, status: 'PASS', detail: `Primary link '${slug}' is published to the redirect service.` };
  }

  private async primaryLink(campaign: CampaignState): Promise<Check> {
    const name = 'primary_link';
    const slug = campaign.primarySlug;
    if (!slug) return { name, status: 'FAIL', detail: 'No primary link configured: set primarySlug on the campaign.' };
    const link = await this.links.find(campaign.handle, slug);
    if (!link || link.deleted) {
      return { name, status: 'FAIL', detail: `Primary link '${slug}' does not exist: create it with PUT /v2/handles/${campaign.handle}/links/${slug}.` };
    }
    if (link.campaignId !== campaign.campaignId) {
      return { name, status: 'FAIL', detail: `Primary link '${slug}' is not associated with this campaign: set its campaignId to '${campaign.campaignId}'.` };
    }
    return { name, status: 'PASS', detail: `Primary link configured: ${slug}` };
  }
}

/** DRAFT is the normal state before going live (a warning: activate next); PAUSED stops tracking (a failure). */
export function campaignActive(campaign: CampaignState): Check {
  const name = 'campaign_active';
  if (campaign.status === 'ACTIVE') return { name, status: 'PASS', detail: 'Campaign is ACTIVE and tracking clicks and conversions.' };
  if (campaign.status === 'DRAFT') {
    return { name, status: 'WARN', detail: `Campaign is DRAFT: activate it with POST /v2/handles/${campaign.handle}/campaigns/${campaign.campaignId}/activate to start tracking.` };
  }
  return { name, status: 'FAIL', detail: 'Campaign is PAUSED: clicks and conversions are not counted until it is activated again.' };
}
