-- The line-item view every query reads: billing rows with their attribution (team, model, workload).
-- Attribution starts from plain tag keys; the attribution rules replace this view with rule results.
CREATE VIEW v_line_items AS
SELECT
    b.*,
    coalesce(json_extract_string(b.tags, '$.team'), 'unattributed') AS team,
    coalesce(json_extract_string(b.tags, '$.model'), 'unattributed') AS model,
    coalesce(json_extract_string(b.tags, '$.workload'), b.workload_hint, 'unknown') AS workload
FROM billing_line_items b
JOIN ingest_batches ib ON ib.batch_id = b.batch_id AND ib.superseded_by IS NULL;

-- One row per line item with every metric the query layer aggregates. The estimation migration replaces
-- it with the estimate columns joined in.
CREATE VIEW v_footprint AS SELECT * FROM v_line_items;
