-- The browser family and operating system of a click, as the redirect edge reads them from the
-- user agent with ua-parser-js (ClickRecordedV1.browser / .os). Raw columns only: no endpoint
-- breaks clicks down by them yet, and the stored user_agent is there to backfill a rollup when
-- one does. Clicks stored before this migration keep '' (unknown), as do events without them.
-- Added at the end of the table, so positional INSERT ... SELECT statements written for 0001
-- name these columns or fail loudly instead of shifting values.
-- One statement, so a re-run finds both columns or neither. 18.16 has no ADD COLUMN IF NOT EXISTS:
-- should this file fail after this statement, drop the two columns before running it again.
ALTER TABLE clicks
    ADD COLUMN browser String DEFAULT '',
    ADD COLUMN os String DEFAULT '';
