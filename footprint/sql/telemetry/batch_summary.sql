-- What one telemetry batch measured, for the ingest result line. Parameter: $batch_id.
WITH series AS (
    SELECT count(*) AS devices,
           count(DISTINCT host) AS hosts,
           count(*) FILTER (WHERE host IS NULL) AS devices_without_host
    FROM telemetry_series WHERE batch_id = $batch_id
),
samples AS (
    SELECT count(*) AS samples, count(ts) AS timed_samples, min(ts) AS first_ts, max(ts) AS last_ts,
           count(power_w) AS power_samples, count(energy_counter_mj) AS counter_samples
    FROM telemetry_samples WHERE batch_id = $batch_id
),
energy AS (
    SELECT coalesce(sum(energy_kwh), 0) AS energy_kwh,
           coalesce(sum(energy_kwh) FILTER (WHERE method = 'energy_counter'), 0) AS counter_energy_kwh,
           count(DISTINCT series_id) AS devices_with_energy
    FROM telemetry_energy WHERE batch_id = $batch_id
),
gaps AS (
    SELECT count(*) FILTER (WHERE kind = 'gap_not_bridged') AS gaps_not_bridged,
           coalesce(sum(energy_not_counted_kwh) FILTER (WHERE kind = 'gap_not_bridged'), 0)
               AS energy_not_counted_kwh,
           count(*) FILTER (WHERE kind = 'counter_reset') AS counter_resets,
           count(*) FILTER (WHERE kind = 'counter_gap_measured') AS counter_gaps
    FROM telemetry_gaps WHERE batch_id = $batch_id
)
SELECT * FROM series, samples, energy, gaps;
