-- Breakdowns move from hours to days, and gain the segment and bot_reason dimensions.
--
-- Every breakdown the API offers is over a campaign's whole life (the funnel's source / country /
-- device lists, groupBy=segment, groupBy=botReason); none is per hour. campaign_breakdown_hourly
-- (0004) held 24 times more rows than these reads need (a 10M-click handle: ~227k rows), and each
-- click cost one ARRAY JOIN view per dimension group. Here ONE view writes all five dimensions per
-- UTC day; the hourly breakdown view and table go, once their rows are copied over.
--
-- Dimensions (one row per click and dimension, except bot_reason):
--   source, country, device  as recorded ('' when unknown); each sums to the campaign's clicks;
--   segment                  the personalization variant that served the click (variant_id), ''
--                            without one (readers call it "default"); clicks carry no
--                            utm_campaign, so the variant is the only segment a click knows;
--   bot_reason               bot clicks only, why the redirect edge scored them; sums to bot clicks.
--
-- Per hour / per day / per month SERIES need no tables of their own: they are read from the hourly
-- rollups (campaign_clicks_hourly, campaign_conversions_hourly) and rolled up to days and months
-- in the query, in the caller's time zone. An hour lies inside one local day and month in every
-- zone whose offset is a whole number of hours, so that roll-up is exact, and a daily or monthly
-- view could only ever serve ONE time zone. Zones with a fractional offset (Asia/Kolkata) are
-- answered from the raw tables.
CREATE TABLE IF NOT EXISTS campaign_breakdown_daily
(
    handle      String,
    campaign_id String,
    day         Date,
    dimension   String,
    value       String,
    clicks      UInt64,
    bot_clicks  UInt64
)
ENGINE = SummingMergeTree()
-- Months of the click day, like the other rollups, so they age out together.
PARTITION BY toYYYYMM(day)
-- Tenant and campaign first (every read names both, or the tenant alone), then the dimension
-- (each read wants one or three of them), then day and value, which complete the summing key.
ORDER BY (handle, campaign_id, dimension, day, value);

CREATE MATERIALIZED VIEW IF NOT EXISTS campaign_breakdown_daily_mv TO campaign_breakdown_daily AS
SELECT
    handle,
    campaign_id,
    toDate(occurred_at) AS day,
    dimension,
    dimension_value AS value,
    count() AS clicks,
    sum(is_bot) AS bot_clicks
FROM clicks
ARRAY JOIN
    ['source', 'country', 'device', 'segment', 'bot_reason'] AS dimension,
    [source, country, device, variant_id, bot_reason] AS dimension_value
WHERE dimension != 'bot_reason' OR is_bot = 1
GROUP BY handle, campaign_id, day, dimension, dimension_value;

-- Backfill. The projector applies migrations at boot, before its consumer starts, so no click is
-- inserted between the view's creation and these INSERTs: every stored click is counted once.
-- (A run that fails between the two INSERTs and is re-run counts the first one twice: rebuild the
-- table from clicks if the runner ever reports that.) source/country/device come from the hourly
-- breakdown, which holds them all; segment and bot_reason were never rolled up, so from clicks.
INSERT INTO campaign_breakdown_daily (handle, campaign_id, day, dimension, value, clicks, bot_clicks)
SELECT handle, campaign_id, toDate(hour) AS day, dimension, value, sum(clicks), sum(bot_clicks)
FROM campaign_breakdown_hourly
GROUP BY handle, campaign_id, day, dimension, value;

INSERT INTO campaign_breakdown_daily (handle, campaign_id, day, dimension, value, clicks, bot_clicks)
SELECT handle, campaign_id, toDate(occurred_at) AS day, dimension, dimension_value, count(), sum(is_bot)
FROM clicks
ARRAY JOIN
    ['segment', 'bot_reason'] AS dimension,
    [variant_id, bot_reason] AS dimension_value
WHERE dimension != 'bot_reason' OR is_bot = 1
GROUP BY handle, campaign_id, toDate(occurred_at), dimension, dimension_value;

DROP TABLE IF EXISTS campaign_breakdown_hourly_mv;

DROP TABLE IF EXISTS campaign_breakdown_hourly;
