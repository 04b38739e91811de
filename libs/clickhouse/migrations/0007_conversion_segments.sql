-- Conversions per segment, rolled up at projection time instead of joined to clicks per query.
--
-- A conversion's segment is the personalization variant that served the click it is credited to.
-- Until now groupBy=segment found it by joining the campaign's raw conversions to its raw clicks
-- by click_id, the one view that read a raw table (~250 ms at p95 over 10M clicks). The
-- conversion-service knows the credited click when it counts a conversion, so conversion.recorded
-- now carries that click's variant (payload.clickVariantId, optional) and the projector stores it:
--   click_variant_id     the variant ('' when the click had none: the segment "default");
--   click_variant_known  1 when the event said (clickVariantId present, null or not), 0 when it
--                        did not (the emitter did not know the click's variant, or the event is
--                        from before the field existed): the segment "unknown".
-- The view below then keeps counted conversions and revenue per segment, like the hourly
-- conversions rollup (0005) keeps them per hour, and the segment read touches no raw table.
--
-- Rows stored before this file keep click_variant_known = 0 in `conversions` (18.16 cannot update
-- a column from a join); their segments are resolved once, by the backfill at the end, into the
-- rollup. Rebuilding the rollup from `conversions` therefore needs that same join for them.

CREATE TABLE IF NOT EXISTS campaign_segment_conversions_daily
(
    handle              String,
    campaign_id         String,
    day                 Date,
    click_variant_known UInt8,
    click_variant_id    String,
    conversions         UInt64,
    revenue             Decimal(38, 4)
)
ENGINE = SummingMergeTree()
-- Months of the conversion day, like the other rollups, so they age out together.
PARTITION BY toYYYYMM(day)
-- The segment read names the tenant and the campaign and sums every day, grouped by the two
-- variant columns; day comes before them so a read over a date range could prune too. All five
-- together are the summing key: one row per campaign, day and segment once parts merge.
ORDER BY (handle, campaign_id, day, click_variant_known, click_variant_id);

-- At the end of the table, so a positional INSERT ... SELECT written for 0002 fails loudly instead
-- of shifting values. 18.16 has no ADD COLUMN IF NOT EXISTS: if this file ever fails after this
-- statement, drop the two columns (no projector has written them yet: it migrates before it
-- consumes) before running it again.
ALTER TABLE conversions
    ADD COLUMN click_variant_id String DEFAULT '',
    ADD COLUMN click_variant_known UInt8 DEFAULT 0;

-- Counted conversions only, the same filter as campaign_conversions_hourly_mv, so per campaign the
-- segments add up to the funnel's conversions and revenue.
CREATE MATERIALIZED VIEW IF NOT EXISTS campaign_segment_conversions_daily_mv TO campaign_segment_conversions_daily AS
SELECT
    handle,
    campaign_id,
    toDate(occurred_at) AS day,
    click_variant_known,
    click_variant_id,
    count() AS conversions,
    sum(toDecimal128(value, 4)) AS revenue
FROM conversions
WHERE test = 0 AND campaign_id != ''
GROUP BY handle, campaign_id, day, click_variant_known, click_variant_id;

-- Backfill, with the segments the query used to find: each stored counted conversion joined to its
-- click (same handle and campaign) by click_id; no click, no segment (known = 0). The projector
-- applies migrations at boot, before its consumer starts, so every stored conversion predates the
-- view and is counted once. (Like 0006, run `npm run migrate` for it only while no projector
-- consumes; a re-run after a failure of this INSERT alone would count the rows it wrote twice.)
INSERT INTO campaign_segment_conversions_daily (handle, campaign_id, day, click_variant_known, click_variant_id, conversions, revenue)
SELECT handle, campaign_id, day, found, variant, count(), sum(toDecimal128(value, 4))
FROM
(
    SELECT handle, campaign_id, click_id, toDate(occurred_at) AS day, value
    FROM conversions
    WHERE test = 0 AND campaign_id != ''
)
ANY LEFT JOIN
(
    SELECT handle, campaign_id, click_id, any(variant_id) AS variant, toUInt8(1) AS found
    FROM clicks
    WHERE click_id IN (SELECT click_id FROM conversions WHERE test = 0 AND campaign_id != '' AND click_id != '')
    GROUP BY handle, campaign_id, click_id
) USING (handle, campaign_id, click_id)
GROUP BY handle, campaign_id, day, found, variant;
