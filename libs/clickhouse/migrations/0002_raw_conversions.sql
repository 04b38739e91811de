-- Raw conversion.recorded and conversion.tested events, one row per event. Test conversions are
-- kept (test = 1) so they can be inspected, and every rollup filters them out.
-- event_type is the conversion's own type (purchase, lead, ...); value is rounded to 4 decimals by
-- the projector (Decimal(18, 4): exact sums of money; 18.16 wants JSON numbers of at most that scale).
-- Absent values (campaign_id of an unattributed conversion, click_id, order_id) are ''.
CREATE TABLE IF NOT EXISTS conversions
(
    event_id        String,
    conversion_id   String,
    handle          String,
    campaign_id     String,
    click_id        String,
    order_id        String,
    event_type      String,
    value           Decimal(18, 4),
    currency        String,
    metadata        String,
    test            UInt8,
    occurred_at     DateTime,
    kafka_topic     String,
    kafka_partition UInt32,
    kafka_offset    UInt64,
    inserted_at     DateTime
)
ENGINE = MergeTree()
-- Same reasoning as clicks: one inserted_at per batch keeps each batch insert a single, atomic part,
-- so max(kafka_offset) is a safe resume point; monthly partitions stay few and droppable.
PARTITION BY toYYYYMM(inserted_at)
-- Tenant, campaign, time: the order in which every read narrows.
ORDER BY (handle, campaign_id, occurred_at);
