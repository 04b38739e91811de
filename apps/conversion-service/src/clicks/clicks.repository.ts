import { Injectable } from '@nestjs/common';
import { Tx } from '../infra/database';
import { ClickFacts } from '../conversions/attribution';

export interface NewClick {
  clickId: string;
  handle: string;
  campaignId: string;
  visitorId: string;
  occurredAt: Date;
  isBot: boolean;
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
    return tx.click.findFirst({ where: { clickId, handle }, select: { campaignId: true, occurredAt: true } });
  }
}
