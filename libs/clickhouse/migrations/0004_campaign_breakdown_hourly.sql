-- Clicks per campaign, hour and dimension value: one row per (source | country | device, value).
-- The view turns each click into three rows with ARRAY JOIN, so each dimension sums to the
-- campaign's clicks. Values are stored as recorded ('' when unknown); readers name '' as they like.
-- Read with sum() and GROUP BY: rows of one key are only summed when parts merge.
CREATE TABLE IF NOT EXISTS campaign_breakdown_hourly
(
    handle      String,
    campaign_id String,
    hour        DateTime,
    dimension   String,
    value       String,
    clicks      UInt64,
    bot_clicks  UInt64
)
ENGINE = SummingMergeTree()
-- Months of the click hour, like campaign_clicks_hourly, so both roll up and age out together.
PARTITION BY toYYYYMM(hour)
-- Tenant and campaign first (every read filters on them), then hour so time ranges prune, then
-- the dimension and its value, which complete the summing key.
ORDER BY (handle, campaign_id, hour, dimension, value);

CREATE MATERIALIZED VIEW IF NOT EXISTS campaign_breakdown_hourly_mv TO campaign_breakdown_hourly AS
SELECT
    handle,
    campaign_id,
    toStartOfHour(occurred_at) AS hour,
    dimension,
    dimension_value AS value,
    count() AS clicks,
    sum(is_bot) AS bot_clicks
FROM clicks
ARRAY JOIN
    ['source', 'country', 'device'] AS dimension,
    [source, country, device] AS dimension_value
GROUP BY handle, campaign_id, hour, dimension, dimension_value;
