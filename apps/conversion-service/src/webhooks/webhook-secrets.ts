import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { isSealed, openSecret, parseSecretKeyring, sealedKid, sealSecret, SecretKeyring, WEBHOOK_SECRET_PURPOSE } from '@funnel/auth';
import { Database } from '../platform/database';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../platform/service-options';

/**
 * Webhook signing secrets are kept sealed (AES-256-GCM under WEBHOOK_SECRET_KEYS) and opened only
 * to sign a delivery. The gateway seals a new secret under the same keys, so it is never in clear
 * on the bus or in the table.
 *
 * At boot, rows that are not sealed under the first key are rewritten in place: plaintext secrets
 * from before encryption, and secrets sealed under an older key (what completes a key rotation,
 * docs/conversion-service.md). Each row is rewritten only if it still holds what was read, so
 * instances booting together do not clash.
 */
@Injectable()
export class WebhookSecrets implements OnModuleInit {
  private readonly logger = new Logger(WebhookSecrets.name);
  private readonly keyring: SecretKeyring;

  constructor(
    private readonly db: Database,
    @Inject(SERVICE_OPTIONS) options: ConversionServiceOptions,
  ) {
    this.keyring = parseSecretKeyring(options.env.WEBHOOK_SECRET_KEYS);
  }

  async onModuleInit(): Promise<void> {
    await this.resealStoredSecrets();
  }

  /** The plaintext of a stored secret, to sign with; a row not yet sealed (written before encryption) is used as it is. */
  open(stored: string): string {
    return isSealed(stored) ? openSecret(this.keyring, stored, WEBHOOK_SECRET_PURPOSE) : stored;
  }

  /** A secret as the gateway sent it: it must open under these keys and be a signing secret; it is stored as sent. */
  accept(sealed: string): { ok: true; stored: string } | { ok: false } {
    try {
      return this.open(sealed).startsWith('whsec_') && isSealed(sealed) ? { ok: true, stored: sealed } : { ok: false };
    } catch {
      return { ok: false };
    }
  }

  /** Seals every row not sealed under the first key; returns how many were rewritten. */
  async resealStoredSecrets(): Promise<number> {
    const primary = this.keyring.primary.kid;
    const rows = await this.db.webhookSubscription.findMany({
      where: { NOT: { secret: { startsWith: `enc:v1:${primary}:` } } },
      select: { webhookId: true, secret: true },
    });
    let rewritten = 0;
    for (const row of rows) {
      let plaintext: string;
      try {
        plaintext = this.open(row.secret);
      } catch {
        // Its key is no longer configured: it cannot sign anything; say which row, never the value.
        this.logger.error(`webhook ${row.webhookId}: signing secret sealed under key '${sealedKid(row.secret) ?? '?'}', which WEBHOOK_SECRET_KEYS does not hold`);
        continue;
      }
      const { count } = await this.db.webhookSubscription.updateMany({
        where: { webhookId: row.webhookId, secret: row.secret },
        data: { secret: sealSecret(this.keyring, plaintext, WEBHOOK_SECRET_PURPOSE) },
      });
      rewritten += count;
    }
    if (rewritten) this.logger.log(`sealed ${rewritten} webhook signing secret(s) under key '${primary}'`);
    return rewritten;
  }
}
