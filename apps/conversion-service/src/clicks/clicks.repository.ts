import { Injectable } from '@nestjs/common';
import { Tx } from '../platform/database';
import { CampaignFacts, ClickFacts, ClickVariant } from '../conversions/attribution';
import { toCampaignFacts } from '../campaigns/campaigns.repository';

export type VisitorClick = ClickFacts & { campaign: CampaignFacts | null };

export interface NewClick {
  clickId: string;
  handle: string;
  campaignId: string;
  visitorId: string;
  occurredAt: Date;
  isBot: boolean;
  /** click.recorded variantId: null when no variant served the click. */
  variantId: string | null;
}

/** A stored click's variant_id / variant_known as ClickFacts has it (not known for a click stored before variants were kept). */
export function storedVariant(variantId: string | null, variantKnown: boolean): ClickVariant {
  return variantKnown ? variantId : undefined;
}

@Injectable()
export class ClicksRepository {
  /** One multi-row INSERT ... ON CONFLICT DO NOTHING: a redelivered click changes nothing. */
  async insertMany(tx: Tx, clicks: NewClick[]): Promise<number> {
    if (clicks.length === 0) return 0;
    const { count } = await tx.click.createMany({ data: clicks, skipDuplicates: true });
    return count;
  }

  /** A click of another handle is not found: conversions are attributed within their tenant only. */
  async find(tx: Tx, handle: string, clickId: string): Promise<ClickFacts | null> {
    const row = await tx.click.findFirst({
      where: { clickId, handle },
      select: { clickId: true, campaignId: true, occurredAt: true, variantId: true, variantKnown: true },
    });
    return row && { clickId: row.clickId, campaignId: row.campaignId, occurredAt: row.occurredAt, variantId: storedVariant(row.variantId, row.variantKnown) };
  }

  /**
   * The visitor's clicks of this handle up to `until`, newest first, with their campaign (null when
   * its snapshot is unknown). Bounded: the longest window is 365 days and only the latest clicks matter.
   */
  async findByVisitor(tx: Tx, handle: string, visitorId: string, until: Date, limit = 200): Promise<VisitorClick[]> {
    const rows = await tx.$queryRaw<
      Array<
        Omit<ClickFacts, 'variantId'> & {
          variantId: string | null;
          variantKnown: boolean;
          status: string | null;
          eventType: string | null;
          cookieDurationDays: number | null;
          attributionModel: string | null;
        }
      >
    >`
      SELECT k.click_id AS "clickId", k.campaign_id AS "campaignId", k.occurred_at AS "occurredAt",
             k.variant_id AS "variantId", k.variant_known AS "variantKnown",
             c.status, c.event_type AS "eventType", c.cookie_duration_days AS "cookieDurationDays", c.attribution_model AS "attributionModel"
      FROM clicks k
      LEFT JOIN campaigns c ON c.handle = k.handle AND c.campaign_id = k.campaign_id
      WHERE k.handle = ${handle} AND k.visitor_id = ${visitorId}
        AND k.occurred_at <= ${until} AND k.occurred_at >= ${new Date(until.getTime() - 366 * 24 * 3600 * 1000)}
      ORDER BY k.occurred_at DESC
      LIMIT ${limit}`;
    return rows.map((r) => ({
      clickId: r.clickId,
      campaignId: r.campaignId,
      occurredAt: r.occurredAt,
      variantId: storedVariant(r.variantId, r.variantKnown),
      campaign: toCampaignFacts(r),
    }));
  }
}
