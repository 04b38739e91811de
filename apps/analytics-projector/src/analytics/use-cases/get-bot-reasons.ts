import { BOT_REASON_DIMENSION } from '@funnel/clickhouse';
import { BotReasonResult } from '@funnel/contracts';
import { UNKNOWN } from '../../funnel/use-cases/get-funnel';
import { AnalyticsStore } from './analytics-store';

/** Bot clicks of one campaign per reason given by the redirect edge ("unknown" without one), most first. */
export class GetBotReasons {
  constructor(private readonly store: AnalyticsStore) {}

  async execute(handle: string, campaignId: string): Promise<BotReasonResult> {
    const rows = await this.store.dimensionValues(handle, campaignId, BOT_REASON_DIMENSION);
    const counts = new Map<string, number>();
    for (const row of rows) {
      const reason = row.value === '' ? UNKNOWN : row.value;
      counts.set(reason, (counts.get(reason) ?? 0) + row.clicks);
    }
    const botReasons = [...counts.entries()]
      .filter(([, count]) => count > 0)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .map(([reason, count]) => ({ reason, count }));
    return { campaignId, groupBy: 'botReason', botClicks: botReasons.reduce((n, r) => n + r.count, 0), botReasons };
  }
}
