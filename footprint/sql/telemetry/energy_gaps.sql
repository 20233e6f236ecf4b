-- Gaps and counter resets of one batch, so what was left out is visible. Parameter: $batch_id.
INSERT INTO telemetry_gaps
SELECT
    series_id,
    $batch_id AS batch_id,
    CASE WHEN is_reset THEN 'counter_reset'
         WHEN method = 'energy_counter' THEN 'counter_gap_measured'
         ELSE 'gap_not_bridged' END AS kind,
    t0 AS gap_start,
    t1 AS gap_end,
    dt_s AS gap_s,
    interval_s AS sample_interval_s,
    max_bridge_s,
    CASE WHEN is_reset THEN NULL                 -- what the counter held before the reset is unknown
         WHEN method = 'energy_counter' THEN 0.0 -- measured by the counter: nothing left out
         ELSE energy_kwh END AS energy_not_counted_kwh
FROM _te_pairs
WHERE is_gap OR is_reset
ORDER BY series_id, t0;
