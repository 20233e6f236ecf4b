-- Measured device energy per UTC hour and device (host, GPU), with the attribution the telemetry carried:
-- the Telemetry page's power curves and per-device totals. Average power over the covered part of an hour
-- is energy / covered time. Unattributed devices read 'unattributed' / 'unknown', as in v_footprint.
SELECT
    CAST(e.bucket_start AS DATE) AS charge_day,
    e.bucket_start,
    coalesce(s.provider, 'onprem') AS provider,
    s.region_id,
    CAST(NULL AS VARCHAR) AS service_name,
    coalesce(s.team, 'unattributed') AS team,
    coalesce(s.model, 'unattributed') AS model,
    coalesce(s.workload, 'unknown') AS workload,
    s.accelerator_model,
    coalesce(s.host, '(unnamed host)') AS host,
    coalesce(CAST(s.gpu_index AS VARCHAR), s.gpu_uuid, '?') AS gpu,
    s.gpu_uuid,
    s.source_format,
    string_agg(DISTINCT e.method, ', ' ORDER BY e.method) AS method,
    fp_sum(e.energy_kwh) AS energy_kwh,
    fp_sum(e.covered_s) AS covered_s
FROM telemetry_energy e
JOIN telemetry_series s ON s.series_id = e.series_id
JOIN ingest_batches ib ON ib.batch_id = e.batch_id AND ib.superseded_by IS NULL
GROUP BY ALL
