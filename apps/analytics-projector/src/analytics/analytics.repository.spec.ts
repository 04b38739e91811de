import { sql } from '@funnel/clickhouse';
import { bucketOf } from './analytics.repository';

describe('bucketOf', () => {
  it('writes the time zone as an escaped literal', () => {
    expect(bucketOf(sql`hour`, 'hour', 'UTC').text).toBe("toStartOfHour(hour, 'UTC')");
    expect(bucketOf(sql`hour`, 'day', 'Europe/Paris').text).toBe("toStartOfDay(hour, 'Europe/Paris')");
    expect(bucketOf(sql`occurred_at`, 'month', 'Asia/Tokyo').text).toBe("toDateTime(toStartOfMonth(occurred_at, 'Asia/Tokyo'), 'Asia/Tokyo')");
  });

  it('hands ClickHouse the canonical zone name and refuses unknown ones', () => {
    expect(bucketOf(sql`hour`, 'day', 'europe/PARIS').text).toBe("toStartOfDay(hour, 'Europe/Paris')");
    expect(bucketOf(sql`hour`, 'day', 'utc').text).toBe("toStartOfDay(hour, 'UTC')");
    expect(() => bucketOf(sql`hour`, 'day', "x'y")).toThrow(RangeError);
    expect(() => bucketOf(sql`hour`, 'day', 'Mars/Olympus')).toThrow(RangeError);
  });
});
