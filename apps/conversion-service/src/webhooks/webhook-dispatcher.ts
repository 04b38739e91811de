import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../platform/service-options';
import { WebhooksRepository, ClaimedDelivery } from './webhooks.repository';
import { WebhookSender } from './webhook-sender';
import { nextStep } from './retry-schedule';
import { webhookHeaders } from './webhook-signature';

const BATCH = 20;
const POLL_MS = 500;
/** Longer than the 5 s send timeout plus recording, so a lease never expires while a send is in flight. */
const LEASE_MS = 60000;

/**
 * Sends due webhook deliveries. The schedule is the `webhook_deliveries` table (next_attempt_at),
 * so pending retries survive restarts and several instances share the work.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private stopped = true;
  private loopDone: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly disableAfter: number;

  constructor(
    private readonly deliveries: WebhooksRepository,
    private readonly sender: WebhookSender,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
  ) {
    this.disableAfter = options.env.WEBHOOK_DISABLE_AFTER_FAILURES;
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.loopDone = this.loop();
  }

  /** Looks for due deliveries now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let claimed: ClaimedDelivery[] = [];
      try {
        claimed = await this.deliveries.claimDue(BATCH, LEASE_MS);
        await Promise.all(claimed.map((d) => this.deliver(d)));
      } catch (e) {
        this.logger.warn(`webhook dispatch round failed: ${(e as Error).message}`);
      }
      if (claimed.length < BATCH && !this.stopped) await this.pause(POLL_MS);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const attemptNo = delivery.attempts + 1;
    const attemptedAt = new Date();
    const subscription = { webhookId: delivery.subscriptionId, disableAfter: this.disableAfter };
    if (!delivery.enabled) {
      // Not sent: the subscription was disabled (by its owner or after failures) since this was queued.
      await this.deliveries.recordAttempt(
        { deliveryId: delivery.deliveryId, attemptNo, statusCode: null, latencyMs: 0, error: 'subscription disabled', responseBody: null, attemptedAt },
        { status: 'failed' },
        { ...subscription, countsAsFailure: false },
      );
      return;
    }
    const headers = webhookHeaders(delivery.eventId, delivery.secret, delivery.body, attemptedAt);
    const result = await this.sender.post(delivery.url, delivery.body, { ...headers });
    // The retry budget and backoff count from the start of the current round (a manual redelivery starts a new one).
    const next = nextStep(attemptNo - delivery.roundStart, result);
    const { disabled } = await this.deliveries.recordAttempt({ deliveryId: delivery.deliveryId, attemptNo, ...result, attemptedAt }, next, { ...subscription, countsAsFailure: true });
    if (next.status !== 'delivered') {
      this.logger.warn(`webhook ${delivery.deliveryId} attempt ${attemptNo} to ${delivery.url} failed (${result.statusCode ?? result.error}); ${next.status === 'pending' ? `retry in ${next.delayMs} ms` : 'giving up'}`);
    }
    if (disabled) this.logger.warn(`webhook subscription ${delivery.subscriptionId} disabled after ${this.disableAfter} consecutive failed attempts`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loopDone;
  }
}
