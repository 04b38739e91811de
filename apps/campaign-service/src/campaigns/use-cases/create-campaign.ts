import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CAMPAIGN_ID_PATTERN, CampaignCreatedV2, CreateCampaignBody, CreateCampaignResult, createEnvelope, DEFAULT_ATTRIBUTION_MODEL, DEFAULT_COOKIE_DURATION_DAYS, fail, Failure, GOAL_DEFAULTS, ok, Result } from '@funnel/contracts';
import { ConcurrencyError } from '../../platform/event-store/concurrency.error';
import { applyCampaignEvent, toCampaignView } from '../campaign';
import { CampaignRepository } from '../campaign.repository';

export interface CreateCampaignCommand {
  handle: string;
  requestId: string;
  body: CreateCampaignBody;
}

/** Seed 000: the activation steps returned with every new campaign. */
export const QUICK_START: readonly string[] = [
  'Share the short URL in your campaign channel.',
  'Click once to validate click/context tracking.',
  'Post one conversion event to complete activation.',
];

/** `cmp_` + 16 hex digits (64 random bits); always matches CAMPAIGN_ID_PATTERN. */
export function generateCampaignId(): string {
  return `cmp_${randomBytes(8).toString('hex')}`;
}

function conflict(handle: string, campaignId: string): Failure {
  return fail('campaign_conflict', `Campaign '${campaignId}' already exists for handle '${handle}'.`);
}

@Injectable()
export class CreateCampaign {
  constructor(private readonly campaigns: CampaignRepository) {}

  async execute({ handle, requestId, body }: CreateCampaignCommand): Promise<Result<CreateCampaignResult>> {
    if (body.campaignId !== undefined && !CAMPAIGN_ID_PATTERN.test(body.campaignId)) {
      return fail('invalid_campaign_id', 'Campaign ID does not match required pattern ^[a-z0-9][a-z0-9_-]{2,63}$.');
    }
    const campaignId = body.campaignId ?? generateCampaignId();
    if (await this.campaigns.find(handle, campaignId)) return conflict(handle, campaignId);

    // Goal type sets the defaults; explicit values at creation override them (seed 000 "Goal types").
    const defaults = GOAL_DEFAULTS[body.goalType];
    const payload: CampaignCreatedV2 = {
      campaignId,
      name: body.name ?? null,
      goalType: body.goalType,
      status: body.status ?? 'DRAFT',
      trackingPreset: body.trackingPreset ?? defaults.trackingPreset,
      eventType: body.eventType ?? defaults.eventType,
      primarySlug: body.primarySlug ?? null,
      cookieDurationDays: body.cookieDurationDays ?? DEFAULT_COOKIE_DURATION_DAYS,
      attributionModel: body.attributionModel ?? DEFAULT_ATTRIBUTION_MODEL,
    };
    const event = createEnvelope({
      type: CampaignCreatedV2.type,
      version: CampaignCreatedV2.version,
      handle,
      aggregateId: campaignId,
      aggregateVersion: 1,
      correlationId: requestId || undefined,
      payload,
    });
    const campaign = applyCampaignEvent(null, event);
    try {
      await this.campaigns.save(campaign, [event]);
    } catch (e) {
      // Lost a race with a create of the same id: the event store's unique key decided.
      if (e instanceof ConcurrencyError) return conflict(handle, campaignId);
      throw e;
    }
    return ok({ campaign: toCampaignView(campaign), quickStart: [...QUICK_START] });
  }
}
