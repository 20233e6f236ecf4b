-- refresh_batches, version 2: the batch column is recorded_batch_id (ingest.loader.remove_batch deletes a
-- batch's rows from every table with a batch_id column, and this record must keep a removed batch until
-- the next refresh has taken it out of the derived tables), and each batch keeps the period its footprint
-- items covered, so that refresh knows which days to rewrite once the batch's rows are gone. The record
-- is cleared, so the next refresh is full.
DROP TABLE refresh_batches;
CREATE TABLE refresh_batches (
    recorded_batch_id  INTEGER NOT NULL,   -- a live batch (superseded_by IS NULL) at the last refresh
    file_sha256        VARCHAR NOT NULL,
    source_kind        VARCHAR NOT NULL,   -- billing | telemetry | reference
    first_start        TIMESTAMP,          -- earliest charge_period_start of its footprint items (UTC)
    last_end           TIMESTAMP           -- latest charge_period_end of its footprint items (UTC)
);
DELETE FROM refresh_state;
