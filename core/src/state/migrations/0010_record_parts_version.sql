-- A merged record is published with a version, so a delivery of an older version never follows a newer one:
-- milliseconds since the epoch when its parts last changed, at least one more than before (PGlite's clock is
-- coarse), so it also keeps growing when the row is pruned and made again.
ALTER TABLE record_parts ADD COLUMN version bigint NOT NULL DEFAULT (floor(extract(epoch FROM clock_timestamp()) * 1000))::bigint;
-- The periodic sweep removes the parts of days no part arrived for in a while.
CREATE INDEX record_parts_updated_at ON record_parts (updated_at);
-- A delivery of a merged record that a newer version made pointless is recorded as superseded, never sent.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('delivered', 'failed', 'dead', 'withheld', 'superseded'));
