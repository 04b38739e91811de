-- Raw click.recorded events: one row per accepted redirect, as the projector received it from
-- Kafka. The source of every click rollup (materialized views read each inserted block) and the
-- resume point of the projector: kafka_topic/kafka_partition/kafka_offset say which message a row
-- came from, and max(kafka_offset) per partition is what is already stored.
-- Absent values are '' (no Nullable: it costs a mask column per field and slows every read).
CREATE TABLE IF NOT EXISTS clicks
(
    event_id        String,
    click_id        String,
    handle          String,
    campaign_id     String,
    link_slug       String,
    occurred_at     DateTime,
    visitor_id      String,
    source          String,
    country         String,
    device          String,
    is_bot          UInt8,
    bot_reason      String,
    variant_id      String,
    user_agent      String,
    referrer        String,
    kafka_topic     String,
    kafka_partition UInt32,
    kafka_offset    UInt64,
    inserted_at     DateTime
)
ENGINE = MergeTree()
-- By the month the projector wrote the row, not the month of the click: a batch carries one
-- inserted_at, so its insert lands in one partition as one part and is all-or-nothing. That makes
-- the stored max(kafka_offset) a safe resume point after a crash. Months keep partitions few and
-- let old raw data go with DROP PARTITION.
PARTITION BY toYYYYMM(inserted_at)
-- Every read is scoped by tenant, nearly always by campaign, then by a time range (drill-downs,
-- backfilling a new rollup), so the key narrows in that order.
ORDER BY (handle, campaign_id, occurred_at);
