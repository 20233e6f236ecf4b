-- telemetry_activity: the part of every unit no bill row covers, per batch, hour (device telemetry) or run
-- (CodeCarbon), host / accelerator and attribution. PUE is never applied here: CodeCarbon rows carry the
-- PUE their source already applied (pue_included, pue_in_source).
INSERT INTO telemetry_activity BY NAME
WITH cov AS (
    SELECT unit_key, max(coverage) AS coverage FROM _tr_match GROUP BY unit_key
),
rest AS (
    SELECT u.*, 1.0 - coalesce(c.coverage, 0.0) AS uncovered
    FROM _tr_units u LEFT JOIN cov c USING (unit_key)
    WHERE coalesce(c.coverage, 0.0) < 1.0
),
grouped AS (
    SELECT
        batch_id,
        min(first_ts) AS period_start,
        max(last_ts) AS period_end,
        provider, region_id, country_iso2, host, accelerator_model,
        CASE WHEN kind = 'device' THEN count(DISTINCT device_key) ELSE sum(device_count) END AS device_count,
        team, model, workload, job,
        fp_sum(total_kwh * uncovered) AS energy_kwh,  -- exact: independent of thread order
        pue_included, pue_in_source, source_format
    FROM rest
    GROUP BY batch_id, kind, CASE WHEN kind = 'codecarbon' THEN unit_key END, window_start,
             provider, region_id, country_iso2, host, accelerator_model, team, model, workload, job,
             pue_included, pue_in_source, source_format
)
SELECT
    CAST(row_number() OVER (ORDER BY batch_id, period_start, host, accelerator_model, team, model, workload,
                                     job, source_format) AS BIGINT) AS activity_id,
    batch_id, period_start, period_end, provider, region_id, country_iso2, host, accelerator_model,
    device_count, team, model, workload, job, energy_kwh, pue_included, pue_in_source, source_format
FROM grouped
WHERE period_end > period_start;
