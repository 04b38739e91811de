import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../platform/service-options';
import { WebhooksRepository, ClaimedDelivery } from './webhooks.repository';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookSender } from './webhook-sender';
import { nextStep } from './retry-schedule';
import { webhookHeaders } from './webhook-signature';
import { originForLog } from './url-safety';

const POLL_MS = 500;
/** Longer than the 5 s send timeout plus recording, so a lease never expires while a send is in flight. */
const LEASE_MS = 60000;

/**
 * Sends due webhook deliveries. The schedule is the `webhook_deliveries` table (next_attempt_at),
 * so pending retries survive restarts and several instances share the work.
 *
 * Fair to every handle: at most WEBHOOK_MAX_IN_FLIGHT sends at once, of which at most
 * WEBHOOK_MAX_IN_FLIGHT_PER_HANDLE for one handle; claims give handles turns; and each freed slot
 * is refilled at once, so a slow receiver holds only its own handle's slots, never a whole batch.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private stopped = true;
  private loopDone: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly disableAfter: number;
  private readonly maxInFlight: number;
  private readonly maxPerHandle: number;
  /** Sends in flight, per handle. */
  private readonly inFlight = new Map<string, number>();
  private inFlightTotal = 0;
  private readonly sends = new Set<Promise<void>>();

  constructor(
    private readonly deliveries: WebhooksRepository,
    private readonly sender: WebhookSender,
    private readonly secrets: WebhookSecrets,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
  ) {
    this.disableAfter = options.env.WEBHOOK_DISABLE_AFTER_FAILURES;
    this.maxInFlight = options.env.WEBHOOK_MAX_IN_FLIGHT;
    this.maxPerHandle = options.env.WEBHOOK_MAX_IN_FLIGHT_PER_HANDLE;
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.loopDone = this.loop();
  }

  /** Looks for due deliveries now instead of at the next poll (also when called while not waiting). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const free = this.maxInFlight - this.inFlightTotal;
      let claimed: ClaimedDelivery[] = [];
      if (free > 0) {
        try {
          claimed = await this.deliveries.claimDue(free, LEASE_MS, this.maxPerHandle, this.freeSlotsOfBusyHandles());
        } catch (e) {
          this.logger.warn(`webhook claim failed: ${(e as Error).message}`);
        }
        for (const delivery of claimed) this.start(delivery);
      }
      // Full, or nothing due: wait for a send to finish (it wakes us), new work, or the poll.
      if ((claimed.length === 0 || claimed.length >= free) && !this.stopped) await this.pause(POLL_MS);
    }
    await Promise.all([...this.sends]);
  }

  /** Handles with sends in flight, and how many more each may start. */
  private freeSlotsOfBusyHandles(): Map<string, number> {
    const slots = new Map<string, number>();
    for (const [handle, n] of this.inFlight) slots.set(handle, Math.max(0, this.maxPerHandle - n));
    return slots;
  }

  private start(delivery: ClaimedDelivery): void {
    const { handle } = delivery;
    this.inFlight.set(handle, (this.inFlight.get(handle) ?? 0) + 1);
    this.inFlightTotal++;
    const send: Promise<void> = this.deliver(delivery)
      .catch((e: Error) => this.logger.warn(`webhook delivery ${delivery.deliveryId} failed to run: ${e.message}`))
      .finally(() => {
        const left = (this.inFlight.get(handle) ?? 1) - 1;
        if (left > 0) this.inFlight.set(handle, left);
        else this.inFlight.delete(handle);
        this.inFlightTotal--;
        this.sends.delete(send);
        this.wake();
      });
    this.sends.add(send);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.woken = false;
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (this.woken) return done();
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
    let secret: string | null = null;
    try {
      secret = this.secrets.open(delivery.secret);
    } catch {
      // Its key was removed from WEBHOOK_SECRET_KEYS: an attempt that fails (and retries) until the key is back.
    }
    const result = secret === null
      ? { statusCode: null, latencyMs: 0, error: 'signing key unavailable', responseBody: null }
      : await this.sender.post(delivery.url, delivery.body, { ...webhookHeaders(delivery.eventId, secret, delivery.body, attemptedAt) });
    // The retry budget and backoff count from the start of the current round (a manual redelivery starts a new one).
    const next = nextStep(attemptNo - delivery.roundStart, result);
    const { disabled } = await this.deliveries.recordAttempt({ deliveryId: delivery.deliveryId, attemptNo, ...result, attemptedAt }, next, { ...subscription, countsAsFailure: true });
    if (next.status !== 'delivered') {
      this.logger.warn(`webhook ${delivery.deliveryId} attempt ${attemptNo} to ${originForLog(delivery.url)} failed (${result.statusCode ?? result.error}); ${next.status === 'pending' ? `retry in ${next.delayMs} ms` : 'giving up'}`);
    }
    if (disabled) this.logger.warn(`webhook subscription ${delivery.subscriptionId} disabled after ${this.disableAfter} consecutive failed attempts`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loopDone;
  }
}
