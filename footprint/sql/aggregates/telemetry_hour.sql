-- Measured device energy per UTC hour and device (host, GPU), with the attribution the telemetry carried:
-- the Telemetry page's power curves and per-device totals. Read from v_telemetry_device_hours (migration
-- 023), the device-hours the refresh counts too: a device-hour measured by several live batches is counted
-- once, so the page's totals equal line_item_measured + telemetry_activity. Average power over the covered
-- part of an hour is energy / covered time. Unattributed devices read 'unattributed' / 'unknown', as in
-- v_footprint.
SELECT
    CAST(bucket_start AS DATE) AS charge_day,
    bucket_start,
    coalesce(provider, 'onprem') AS provider,
    region_id,
    CAST(NULL AS VARCHAR) AS service_name,
    coalesce(team, 'unattributed') AS team,
    coalesce(model, 'unattributed') AS model,
    coalesce(workload, 'unknown') AS workload,
    accelerator_model,
    coalesce(host, '(unnamed host)') AS host,
    coalesce(CAST(gpu_index AS VARCHAR), gpu_uuid, '?') AS gpu,
    gpu_uuid,
    source_format,
    string_agg(DISTINCT method, ', ' ORDER BY method) AS method,
    fp_sum(energy_kwh) AS energy_kwh,
    fp_sum(covered_s) AS covered_s
FROM v_telemetry_device_hours
GROUP BY ALL
