import { Injectable, Logger } from '@nestjs/common';
import { HealthView, RPCS, WebhookListResult } from '@funnel/contracts';
import type { Caller } from '../../auth/caller.decorator';
import { ApiException } from '../../platform/http/api.exception';
import { RpcClient } from '../../platform/rpc/rpc.client';

type Check = HealthView['checks'][number];

/** Webhook subscriptions are optional detail: the health answer does not wait long for them. */
export const WEBHOOK_CHECK_TIMEOUT_MS = 1500;
/** The webhook event that carries the campaign's goal conversions to subscribers. */
export const GOAL_WEBHOOK_EVENT = 'conversion.recorded';

/**
 * Campaign health from both owners: the campaign-service's checks (seed 000 plus ACTIVE and
 * primary link published) and a webhook check from the conversion-service's subscriptions.
 * The webhook check is never a failure: no subscription is a WARN (webhooks are optional), and
 * if the conversion-service cannot answer it is a WARN "not checked". READY when no check FAILs.
 */
@Injectable()
export class ComposeCampaignHealth {
  private readonly logger = new Logger(ComposeCampaignHealth.name);

  constructor(private readonly rpc: RpcClient) {}

  /** `showWebhookUrls`: only for a caller who may read webhooks (docs/auth.md); otherwise the check names no URL. */
  async execute(caller: Caller, campaignId: string, { showWebhookUrls = false }: { showWebhookUrls?: boolean } = {}): Promise<HealthView> {
    const health = await this.rpc.call(RPCS.campaignHealth, caller, { campaignId }, {});
    const checks = [...health.checks, await this.webhookCheck(caller, showWebhookUrls)];
    return { campaignId: health.campaignId, checks, readiness: checks.some((c) => c.status === 'FAIL') ? 'NOT_READY' : 'READY' };
  }

  private async webhookCheck(caller: Caller, showWebhookUrls: boolean): Promise<Check> {
    const name = 'conversion_webhook';
    let result: WebhookListResult;
    try {
      result = await this.rpc.call(RPCS.webhookList, caller, {}, {}, { timeoutMs: WEBHOOK_CHECK_TIMEOUT_MS });
    } catch (e) {
      this.logger.warn({ event: 'webhook_check_skipped', requestId: caller.requestId, error: e instanceof ApiException ? e.errorCode : String(e) });
      return { name, status: 'WARN', detail: 'Webhook subscriptions could not be checked right now.' };
    }
    const hook = (Array.isArray(result?.webhooks) ? result.webhooks : []).find((w) => w.enabled && w.events.includes(GOAL_WEBHOOK_EVENT));
    if (!hook) {
      // Optional (seed 000 checks health before step 4 adds a webhook; many users pull analytics instead).
      return {
        name,
        status: 'WARN',
        detail: `No enabled webhook is subscribed to ${GOAL_WEBHOOK_EVENT}: goal conversions are counted in analytics but pushed to no subscriber.`,
      };
    }
    const subscriber = showWebhookUrls ? `Webhook ${hook.url}` : 'An enabled webhook';
    return { name, status: 'PASS', detail: `${subscriber} is subscribed to ${GOAL_WEBHOOK_EVENT}.` };
  }
}
