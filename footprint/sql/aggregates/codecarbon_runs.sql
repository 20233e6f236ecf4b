-- CodeCarbon runs of the live batches with what the footprint made of each: the part no bill covers is a
-- telemetry_activity row of its own (one per run, from run start to end), with the attribution the refresh
-- resolved (labels, flags, then the telemetry mapping); the rest fell under bill rows of the same host.
-- The columns the filters read are named as in v_footprint (a run starts on its charge day).
-- Read as a FROM item (footprint/aggregates/telemetry.py codecarbon_runs).
(
    SELECT
        r.host, r.run_start AS charge_period_start, r.run_start, r.run_end, r.duration_s / 3600.0 AS duration_h,
        r.project_name, r.run_id,
        coalesce(a.provider, r.provider, 'unknown') AS provider, coalesce(a.region_id, r.region_id) AS region_id,
        CAST(NULL AS VARCHAR) AS service_name, r.accelerator_model, r.gpu_count,
        coalesce(a.team, r.team, 'unattributed') AS team, coalesce(a.model, r.model, 'unattributed') AS model,
        coalesce(a.workload, r.workload, 'unknown') AS workload,
        CAST(r.energy_consumed_kwh AS DOUBLE) AS energy_consumed_kwh, CAST(r.cpu_energy_kwh AS DOUBLE) AS cpu_energy_kwh,
        CAST(r.gpu_energy_kwh AS DOUBLE) AS gpu_energy_kwh, CAST(r.ram_energy_kwh AS DOUBLE) AS ram_energy_kwh,
        CASE WHEN r.pue_included THEN r.pue_in_source END AS pue_applied_in_file,
        CASE WHEN r.pue_included AND r.pue_in_source > 0 THEN CAST(r.energy_consumed_kwh AS DOUBLE) / r.pue_in_source
             ELSE CAST(r.energy_consumed_kwh AS DOUBLE) END AS it_energy_kwh,
        CASE WHEN a.pue_included AND a.pue_in_source > 0 THEN a.energy_kwh / a.pue_in_source
             ELSE coalesce(a.energy_kwh, 0) END AS standalone_it_energy_kwh,
        r.batch_id, r.source_row
    FROM codecarbon_runs r
    JOIN ingest_batches b ON b.batch_id = r.batch_id AND b.superseded_by IS NULL
    LEFT JOIN telemetry_activity a
      ON a.batch_id = r.batch_id AND a.source_format = 'codecarbon' AND a.period_start = r.run_start
     AND a.period_end = r.run_end AND a.host IS NOT DISTINCT FROM r.host
) AS runs
