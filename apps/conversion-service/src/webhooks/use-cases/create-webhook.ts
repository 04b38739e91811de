import { Inject, Injectable } from '@nestjs/common';
import { newEventId, WebhookEvent, WebhookView } from '@funnel/contracts';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../../platform/service-options';
import { WebhooksRepository } from '../webhooks.repository';
import { checkWebhookUrl, HostResolver } from '../url-safety';
import { WebhookSecrets } from '../webhook-secrets';

export const HOST_RESOLVER = Symbol('HOST_RESOLVER');

export interface CreateWebhookCommand {
  handle: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  /** The signing secret the gateway minted, sealed under WEBHOOK_SECRET_KEYS. */
  sealedSecret: string;
}

export type CreateWebhookResult =
  | { ok: true; webhook: WebhookView }
  | { ok: false; error: 'invalid_webhook_url'; reason: string }
  | { ok: false; error: 'limit_exceeded'; limit: number }
  | { ok: false; error: 'invalid_secret' };

/**
 * Subscribes a URL to conversion events (at most MAX_WEBHOOKS_PER_HANDLE per handle) with the
 * sealed signing secret the gateway minted (stored sealed, never returned).
 */
@Injectable()
export class CreateWebhook {
  private readonly allowPrivate: boolean;
  private readonly limit: number;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly secrets: WebhookSecrets,
    @Inject(HOST_RESOLVER) private readonly resolve: HostResolver,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
  ) {
    this.allowPrivate = options.env.WEBHOOK_ALLOW_PRIVATE;
    this.limit = options.env.MAX_WEBHOOKS_PER_HANDLE;
  }

  async execute(command: CreateWebhookCommand): Promise<CreateWebhookResult> {
    const check = await checkWebhookUrl(command.url, { allowPrivate: this.allowPrivate, resolve: this.resolve });
    if (!check.ok) return { ok: false, error: 'invalid_webhook_url', reason: check.reason };
    const secret = this.secrets.accept(command.sealedSecret);
    if (!secret.ok) return { ok: false, error: 'invalid_secret' };
    const row = await this.webhooks.create(
      {
        webhookId: newEventId(),
        handle: command.handle,
        url: command.url,
        events: command.events,
        enabled: command.enabled,
        secret: secret.stored,
      },
      this.limit,
    );
    if (!row) return { ok: false, error: 'limit_exceeded', limit: this.limit };
    return {
      ok: true,
      webhook: {
        webhookId: row.webhookId,
        handle: row.handle,
        url: row.url,
        events: row.events as WebhookEvent[],
        enabled: row.enabled,
        createdAt: row.createdAt.toISOString(),
      },
    };
  }
}
