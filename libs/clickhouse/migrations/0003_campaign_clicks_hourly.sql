-- Clicks per campaign and hour: total, bot and latest click time. Fed by the view below from every
-- block inserted into clicks; read with countMerge / sumMerge / maxMerge and GROUP BY, since rows
-- of one key are only combined when parts merge.
CREATE TABLE IF NOT EXISTS campaign_clicks_hourly
(
    handle      String,
    campaign_id String,
    hour        DateTime,
    clicks      AggregateFunction(count),
    bot_clicks  AggregateFunction(sum, UInt8),
    last_seen   AggregateFunction(max, DateTime)
)
ENGINE = AggregatingMergeTree()
-- Months of the click hour: few partitions, and a whole month can be rebuilt or dropped at once.
PARTITION BY toYYYYMM(hour)
-- The funnel reads one tenant, one or all of its campaigns, optionally a range of hours; the key
-- is also the aggregation key, one row per (handle, campaign, hour) once merged.
ORDER BY (handle, campaign_id, hour);

CREATE MATERIALIZED VIEW IF NOT EXISTS campaign_clicks_hourly_mv TO campaign_clicks_hourly AS
SELECT
    handle,
    campaign_id,
    toStartOfHour(occurred_at) AS hour,
    countState() AS clicks,
    sumState(is_bot) AS bot_clicks,
    maxState(occurred_at) AS last_seen
FROM clicks
GROUP BY handle, campaign_id, hour;
