import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { newEventId, TOPICS } from '@funnel/contracts';
import { Database, Tx } from '../../platform/database';
import { OutboxService } from '../../platform/outbox/outbox.service';
import { ClicksRepository } from '../../clicks/clicks.repository';
import { CampaignsRepository } from '../../campaigns/campaigns.repository';
import { ConversionRecord, ConversionsRepository } from '../conversions.repository';
import { attributeByClick, attributeByVisitor, Attribution, CampaignFacts, countability, decideConversion, dedupe, STANDARD_EVENT_TYPES } from '../attribution';
import { conversionRecordedEvent } from '../conversion-events';

export interface RecordConversionCommand {
  handle: string;
  requestId: string;
  eventType: string;
  value: number;
  currency: string;
  clickId: string | null;
  visitorId: string | null;
  orderId: string | null;
  metadata: Record<string, unknown>;
  /** The Idempotency-Key header, when the client sent one. */
  idempotencyKey?: string | null;
}

export type RecordConversionResult =
  | { ok: true; record: ConversionRecord; replayed: boolean }
  | { ok: false; error: 'idempotency_key_reused' | 'invalid_event_type' };

/** JSON with object keys sorted, so the same body always hashes the same whatever its key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What an Idempotency-Key is bound to: every field of the posted conversion. */
export function requestHash(command: RecordConversionCommand): string {
  const { eventType, value, currency, clickId, visitorId, orderId, metadata } = command;
  return createHash('sha256').update(canonicalJson({ eventType, value, currency, clickId, visitorId, orderId, metadata })).digest('hex');
}

/**
 * Stores a conversion, attributed by its click id (or else its visitor id within the campaign's
 * window), deduplicated by (handle, orderId), in one transaction with its outbox row, so a
 * conversion is counted and announced together or not at all. Nothing valid is rejected for
 * being a duplicate, unattributed or not countable: it is stored with that status and reason.
 */
@Injectable()
export class RecordConversion {
  constructor(
    private readonly db: Database,
    private readonly clicks: ClicksRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly conversions: ConversionsRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(command: RecordConversionCommand): Promise<RecordConversionResult> {
    const conversionId = newEventId();
    const createdAt = new Date();
    const { handle, clickId, visitorId, orderId } = command;
    const key = command.idempotencyKey || null;
    const result = await this.db.transaction(async (tx): Promise<RecordConversionResult & { emitted?: boolean }> => {
      if (!STANDARD_EVENT_TYPES.has(command.eventType) && !(await this.campaigns.usesEventType(tx, handle, command.eventType))) {
        return { ok: false, error: 'invalid_event_type' };
      }
      if (key) {
        // Claimed before the order id: a concurrent retry with the same key waits here, then replays.
        const claim = await this.conversions.claimIdempotencyKey(tx, handle, key, requestHash(command));
        if (claim.kind === 'used') {
          const previous = claim.sameRequest && claim.conversionId ? await this.conversions.findById(tx, handle, claim.conversionId) : null;
          return previous ? { ok: true, record: previous, replayed: true } : { ok: false, error: 'idempotency_key_reused' };
        }
      }
      // Claimed first: a concurrent post of the same order waits here until this transaction ends.
      const orderOwner = orderId ? await this.conversions.claimOrderId(tx, handle, orderId, conversionId) : null;
      const { attribution, campaign } = await this.attribute(tx, command, createdAt);
      const decision = decideConversion(attribution, dedupe({ conversionId, orderId, orderOwner }), countability(campaign, command.eventType), clickId);
      const record = await this.conversions.insert(tx, {
        conversionId,
        handle,
        campaignId: decision.campaignId,
        clickId: decision.clickId,
        visitorId,
        orderId,
        eventType: command.eventType,
        value: command.value,
        currency: command.currency,
        metadata: command.metadata,
        test: false,
        status: decision.status,
        statusReason: decision.statusReason,
        duplicateOf: decision.duplicateOf,
        createdAt,
        attributedAt: decision.campaignId ? createdAt : null,
      });
      if (key) await this.conversions.completeIdempotencyKey(tx, handle, key, conversionId);
      if (decision.emit) await this.outbox.append(tx, TOPICS.conversions, handle, conversionRecordedEvent(record, decision.clickVariantId, command.requestId));
      return { ok: true, record, replayed: false, emitted: decision.emit };
    });
    if (result.ok && result.emitted) this.outbox.wake();
    if (!result.ok) return result;
    return { ok: true, record: result.record, replayed: result.replayed };
  }

  /** By click id when given and known; otherwise by visitor id; the credited campaign's facts with it. */
  private async attribute(
    tx: Tx,
    command: RecordConversionCommand,
    convertedAt: Date,
  ): Promise<{ attribution: Attribution; campaign: CampaignFacts | null }> {
    const { handle, clickId, visitorId } = command;
    const click = clickId ? await this.clicks.find(tx, handle, clickId) : null;
    if (clickId && (click || !visitorId)) {
      const campaign = click ? await this.campaigns.find(tx, handle, click.campaignId) : null;
      return { attribution: attributeByClick({ clickId, click, campaign, convertedAt }), campaign };
    }
    if (visitorId) {
      const clicks = await this.clicks.findByVisitor(tx, handle, visitorId, convertedAt);
      const attribution = attributeByVisitor({ clicks, convertedAt });
      const campaign = attribution.attributed ? (clicks.find((c) => c.clickId === attribution.clickId)?.campaign ?? null) : null;
      return { attribution, campaign };
    }
    return { attribution: { attributed: false, reason: 'no_click_id' }, campaign: null };
  }
}
