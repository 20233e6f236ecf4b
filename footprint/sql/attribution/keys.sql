-- The billing rows to attribute, grouped by everything attribution reads: provider, tags, the resource
-- and usage fields rules may test, the ingest hint. A bill repeats the same resource, usage type and tags
-- on many rows, so the rules (refresh.sql) run once per combination and the result goes to every row of
-- it (row_ids). Rows of live batches only (superseded restatements are never shown).
-- @@fields@@ lists the columns (from code); @@scope@@ is the pipeline's batch filter over b (from code).
CREATE OR REPLACE TEMP TABLE _attr_keys AS
SELECT row_number() OVER () AS key_id, *
FROM (
    SELECT @@fields@@, list(b.row_id) AS row_ids
    FROM billing_line_items b
    JOIN ingest_batches ib ON ib.batch_id = b.batch_id AND ib.superseded_by IS NULL
    WHERE @@scope@@
    GROUP BY ALL
);
