import { sql } from '@funnel/clickhouse';
import { bucketOf } from './analytics.repository';

describe('bucketOf', () => {
  it('writes the time zone as an escaped literal', () => {
    expect(bucketOf(sql`hour`, 'hour', 'UTC').text).toBe("toStartOfHour(hour, 'UTC')");
    expect(bucketOf(sql`hour`, 'day', 'Europe/Paris').text).toBe("toStartOfDay(hour, 'Europe/Paris')");
    expect(bucketOf(sql`occurred_at`, 'month', "x'y").text).toBe("toDateTime(toStartOfMonth(occurred_at, 'x\\'y'), 'x\\'y')");
  });
});
