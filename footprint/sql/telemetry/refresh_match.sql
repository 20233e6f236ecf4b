-- Which billing rows each measured unit (_tr_units) falls under, and what share of it each gets
-- (_tr_match). A bill row matches when it is usage of an accelerated resource (accelerator_count > 0)
-- whose resource id (whole, or its last path segment: 'i-0abc' of an ARN, a VM name of an Azure or GCP
-- path) or resource name equals the unit's host (or the resource_id a mapping gave the host), and its
-- charge period overlaps the unit's window.
-- coverage = the part of the unit's window that bill rows cover (at most 1); the covered part is shared
-- among the matching rows in proportion to their overlap, so no energy is counted twice.
CREATE OR REPLACE TEMP TABLE _tr_match AS
WITH bill AS (
    SELECT b.row_id, b.batch_id, b.charge_period_start, b.charge_period_end,
           list_filter(list_distinct([lower(b.resource_id), lower(b.resource_name),
                                      lower(regexp_extract(b.resource_id, '([^/:]+)$', 1))]),
                       lambda k: k IS NOT NULL AND k <> '') AS keys
    FROM billing_line_items b
    JOIN ingest_batches ib ON ib.batch_id = b.batch_id AND ib.superseded_by IS NULL
    WHERE b.carries_usage AND b.resource_id IS NOT NULL AND coalesce(b.accelerator_count, 0) > 0
      AND b.charge_period_end > b.charge_period_start
),
bill_keys AS (
    SELECT row_id, charge_period_start, charge_period_end, unnest(keys) AS match_key FROM bill
),
unit_keys AS (
    SELECT unit_key, window_start, window_end, unnest(match_keys) AS match_key FROM _tr_units
),
pairs AS (
    SELECT DISTINCT u.unit_key, b.row_id,
           epoch_us(least(u.window_end, b.charge_period_end))
             - epoch_us(greatest(u.window_start, b.charge_period_start)) AS overlap_us,  -- integers: exact sums
           epoch_us(u.window_end) - epoch_us(u.window_start) AS window_us
    FROM unit_keys u
    JOIN bill_keys b ON b.match_key = u.match_key
     AND b.charge_period_start < u.window_end AND b.charge_period_end > u.window_start
)
SELECT
    unit_key, row_id, overlap_us / 1e6 AS overlap_s,
    CASE WHEN max(window_us) OVER (PARTITION BY unit_key) > 0
         THEN least(1.0, sum(overlap_us) OVER (PARTITION BY unit_key) / max(window_us) OVER (PARTITION BY unit_key))
         ELSE 1.0 END AS coverage,
    overlap_us / sum(overlap_us) OVER (PARTITION BY unit_key) AS share
FROM pairs;
