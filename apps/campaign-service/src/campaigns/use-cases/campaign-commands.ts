import { Injectable } from '@nestjs/common';
import { CAMPAIGN_ID_PATTERN, CampaignActivatedV1, CampaignPausedV1, CampaignUpdatedV3, CampaignView, createEnvelope, fail, Failure, ok, Result, UpdateCampaignBody } from '@funnel/contracts';
import { Decision, versionedWrite } from '../../platform/event-store/versioned-write';
import { LinkRepository } from '../../links/link.repository';
import { applyCampaignEvent, CampaignState, toCampaignView, TRANSITIONS } from '../campaign';
import { CampaignRepository } from '../campaign.repository';

export interface CampaignCommand {
  handle: string;
  requestId: string;
  campaignId: string;
  ifMatch?: number;
}

export const invalidCampaignId = (): Failure =>
  fail('invalid_campaign_id', 'Campaign ID does not match required pattern ^[a-z0-9][a-z0-9_-]{2,63}$.');
export const campaignNotFound = (campaignId: string): Failure => fail('campaign_not_found', `Campaign '${campaignId}' does not exist.`);

function refuse<S>(failure: Failure): Decision<S> {
  return failure;
}

/** GET one campaign. */
@Injectable()
export class GetCampaign {
  constructor(private readonly campaigns: CampaignRepository) {}

  async execute({ handle, campaignId }: Pick<CampaignCommand, 'handle' | 'campaignId'>): Promise<Result<CampaignView>> {
    if (!CAMPAIGN_ID_PATTERN.test(campaignId)) return invalidCampaignId();
    const campaign = await this.campaigns.find(handle, campaignId);
    return campaign ? ok(toCampaignView(campaign)) : campaignNotFound(campaignId);
  }
}

/** activate / pause: seed 000 lifecycle; an illegal transition is 409 with the current status. */
@Injectable()
export class ChangeCampaignStatus {
  constructor(private readonly campaigns: CampaignRepository) {}

  async execute(command: CampaignCommand & { action: 'activate' | 'pause' }): Promise<Result<CampaignView>> {
    const { handle, requestId, campaignId, action } = command;
    if (!CAMPAIGN_ID_PATTERN.test(campaignId)) return invalidCampaignId();
    const transition = TRANSITIONS[action];
    const result = await versionedWrite<CampaignState>({
      ifMatch: command.ifMatch,
      load: () => this.campaigns.find(handle, campaignId),
      save: (state, events) => this.campaigns.save(state, events),
      decide: (current) => {
        if (!current) return refuse(campaignNotFound(campaignId));
        if (!transition.from.includes(current.status)) {
          return refuse(
            fail('invalid_transition', `Cannot ${action} a campaign that is ${current.status}.`, undefined, {
              currentStatus: current.status,
              allowedFrom: transition.from,
            }),
          );
        }
        const eventClass = action === 'activate' ? CampaignActivatedV1 : CampaignPausedV1;
        const event = createEnvelope({
          type: eventClass.type,
          version: eventClass.version,
          handle,
          aggregateId: campaignId,
          aggregateVersion: current.version + 1,
          correlationId: requestId || undefined,
          payload: { campaignId, previousStatus: current.status },
        });
        return { ok: true, state: applyCampaignEvent(current, event), events: [event] };
      },
    });
    return result.ok ? ok(toCampaignView(result.state)) : result;
  }
}

/** PATCH: name, description, goal defaults (tracking preset, event type, cookie window), attribution model and the primary link. */
@Injectable()
export class UpdateCampaign {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly links: LinkRepository,
  ) {}

  async execute(command: CampaignCommand & { body: UpdateCampaignBody }): Promise<Result<CampaignView>> {
    const { handle, requestId, campaignId, body } = command;
    if (!CAMPAIGN_ID_PATTERN.test(campaignId)) return invalidCampaignId();
    // The primary link must be a live link of this campaign (checked once; a later move is the health check's to report).
    if (typeof body.primarySlug === 'string') {
      const link = await this.links.find(handle, body.primarySlug);
      if (!link || link.deleted || link.campaignId !== campaignId) {
        return fail('invalid_primary_link', `Link '${body.primarySlug}' is not a link of campaign '${campaignId}'.`, [
          { field: 'primarySlug', message: 'primarySlug must name a link whose campaignId is this campaign', code: 'invalid_primary_link' },
        ]);
      }
    }
    const result = await versionedWrite<CampaignState>({
      ifMatch: command.ifMatch,
      load: () => this.campaigns.find(handle, campaignId),
      save: (state, events) => this.campaigns.save(state, events),
      decide: (current) => {
        if (!current) return refuse(campaignNotFound(campaignId));
        const payload: CampaignUpdatedV3 = { campaignId };
        for (const key of ['name', 'description', 'trackingPreset', 'eventType', 'primarySlug', 'cookieDurationDays', 'attributionModel'] as const) {
          if (body[key] !== undefined && body[key] !== current[key]) Object.assign(payload, { [key]: body[key] });
        }
        // Nothing changes: no event, same version (a PATCH is idempotent).
        if (Object.keys(payload).length === 1) return { ok: true, state: current, events: [] };
        const event = createEnvelope({
          type: CampaignUpdatedV3.type,
          version: CampaignUpdatedV3.version,
          handle,
          aggregateId: campaignId,
          aggregateVersion: current.version + 1,
          correlationId: requestId || undefined,
          payload,
        });
        return { ok: true, state: applyCampaignEvent(current, event), events: [event] };
      },
    });
    return result.ok ? ok(toCampaignView(result.state)) : result;
  }
}
