-- Batch ids are never used twice. A new batch used to take max(batch_id) + 1, so removing the newest batch
-- and loading another file before the next refresh gave the new file the removed one's id: the refresh
-- record (refresh_batches) and the aggregates' batch list then took one for the other, and an incremental
-- refresh could keep the removed file's figures. ingest.loader takes the next id from this counter, which
-- only grows; it starts above every id the store has seen, live, removed-but-recorded or superseded.
CREATE TABLE batch_id_counter (
    last_batch_id INTEGER NOT NULL   -- the highest batch id ever issued
);
INSERT INTO batch_id_counter
SELECT greatest(
    coalesce((SELECT max(batch_id) FROM ingest_batches), 0),
    coalesce((SELECT max(recorded_batch_id) FROM refresh_batches), 0)
);
