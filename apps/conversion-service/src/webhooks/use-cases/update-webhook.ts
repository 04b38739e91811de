import { Inject, Injectable } from '@nestjs/common';
import { WebhookDetailView } from '@funnel/contracts';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../../platform/service-options';
import { WebhookPatch, WebhooksRepository } from '../webhooks.repository';
import { checkWebhookUrl, HostResolver } from '../url-safety';
import { toWebhookDetailView } from '../webhook-views';
import { HOST_RESOLVER } from './create-webhook';

export type UpdateWebhookResult =
  | { ok: true; webhook: WebhookDetailView }
  | { ok: false; error: 'webhook_not_found' }
  | { ok: false; error: 'invalid_webhook_url'; reason: string };

/** PATCH: a new URL passes the same address check as on creation; the secret never changes. */
@Injectable()
export class UpdateWebhook {
  private readonly allowPrivate: boolean;

  constructor(
    private readonly webhooks: WebhooksRepository,
    @Inject(HOST_RESOLVER) private readonly resolve: HostResolver,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
  ) {
    this.allowPrivate = options.env.WEBHOOK_ALLOW_PRIVATE;
  }

  async execute(handle: string, webhookId: string, patch: WebhookPatch): Promise<UpdateWebhookResult> {
    if (patch.url !== undefined) {
      const check = await checkWebhookUrl(patch.url, { allowPrivate: this.allowPrivate, resolve: this.resolve });
      if (!check.ok) return { ok: false, error: 'invalid_webhook_url', reason: check.reason };
    }
    const row = await this.webhooks.update(handle, webhookId, patch);
    return row ? { ok: true, webhook: toWebhookDetailView(row) } : { ok: false, error: 'webhook_not_found' };
  }
}
