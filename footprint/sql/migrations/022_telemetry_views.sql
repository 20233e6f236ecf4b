-- Measured device energy per GPU and UTC hour with what the telemetry said about the device (host, GPU,
-- job, attribution), for the live batches. As measured by each file: a GPU-hour logged by two files shows
-- twice here; line_item_measured and telemetry_activity (the refresh step) count it once.
CREATE VIEW v_telemetry_energy AS
SELECT
    e.batch_id, e.series_id, e.bucket_start, e.bucket_end, e.first_ts, e.last_ts, e.method,
    e.energy_kwh, e.covered_s, e.intervals,
    s.source_format, s.host, s.gpu_index, s.gpu_uuid, s.gpu_name, s.accelerator_model, s.mig_instances,
    s.pod, s.namespace, s.container, s.team, s.model, s.workload, s.job, s.attribution_source,
    s.provider, s.region_id, s.country_iso2
FROM telemetry_energy e
JOIN telemetry_series s ON s.series_id = e.series_id
JOIN ingest_batches b ON b.batch_id = e.batch_id AND b.superseded_by IS NULL;
