import { Injectable } from '@nestjs/common';
import { ConversionListView, ConversionStatusName, ConversionView } from '@funnel/contracts';
import { Database } from '../../platform/database';
import { ConversionsRepository } from '../conversions.repository';
import { toConversionView } from '../conversion-events';

export interface ListConversionsCommand {
  handle: string;
  status?: ConversionStatusName;
  limit: number;
  cursor?: string;
}

/** A page of the handle's conversions (newest first) and how many have that status in all. */
@Injectable()
export class ListConversions {
  constructor(
    private readonly db: Database,
    private readonly conversions: ConversionsRepository,
  ) {}

  async execute(command: ListConversionsCommand): Promise<ConversionListView<ConversionView>> {
    const { items, total } = await this.conversions.list(this.db, command.handle, { status: command.status, limit: command.limit, before: command.cursor });
    return {
      items: items.map(toConversionView),
      total,
      nextCursor: items.length === command.limit ? items[items.length - 1].conversionId : null,
    };
  }
}
