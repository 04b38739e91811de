-- Counted conversions and revenue per campaign and hour. Test conversions (test = 1) and
-- conversions attributed to no campaign (campaign_id = '') never enter it. Revenue sums the values
-- as reported, whatever their currency. Decimal(38, 4) so sums stay exact and never overflow
-- (an overflowing sum would make every later merge of the part fail).
-- Read with sum() and GROUP BY: rows of one key are only summed when parts merge.
CREATE TABLE IF NOT EXISTS campaign_conversions_hourly
(
    handle      String,
    campaign_id String,
    hour        DateTime,
    conversions UInt64,
    revenue     Decimal(38, 4)
)
ENGINE = SummingMergeTree()
-- Months of the conversion hour: few partitions, aged out together with the click rollups.
PARTITION BY toYYYYMM(hour)
-- One tenant, one or all campaigns, optionally a range of hours; also the summing key.
ORDER BY (handle, campaign_id, hour);

CREATE MATERIALIZED VIEW IF NOT EXISTS campaign_conversions_hourly_mv TO campaign_conversions_hourly AS
SELECT
    handle,
    campaign_id,
    toStartOfHour(occurred_at) AS hour,
    count() AS conversions,
    sum(toDecimal128(value, 4)) AS revenue
FROM conversions
WHERE test = 0 AND campaign_id != ''
GROUP BY handle, campaign_id, hour;
