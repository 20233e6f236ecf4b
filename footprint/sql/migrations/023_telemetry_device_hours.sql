-- Measured device energy per device and UTC hour, counted once: the one definition that every total of
-- device telemetry reads (the refresh's measured units, telemetry/refresh_units.sql, and the Telemetry
-- page's hourly table, aggregates/telemetry_hour.sql), so the page and the footprint agree.
-- Rule: one device, one hour, one source. Where several live batches measured the same device (host and
-- GPU UUID, else index) in the same hour - the same log loaded twice, or an nvidia-smi log beside a DCGM
-- export of the same GPUs - the energy counter wins, then the better-covered hour, then the later batch;
-- the others are not counted a second time. A device without a host is only ever the same device within
-- its own batch. v_telemetry_energy (022) keeps each file's own measurement, for per-file views.
CREATE VIEW v_telemetry_device_hours AS
SELECT
    e.series_id, e.batch_id, e.bucket_start, e.bucket_end, e.first_ts, e.last_ts, e.method,
    e.energy_kwh, e.covered_s, e.intervals,
    s.host, s.gpu_index, s.gpu_uuid, s.accelerator_model, s.team, s.model, s.workload, s.job,
    s.provider, s.region_id, s.country_iso2, s.source_format,
    coalesce(s.gpu_uuid, 'index:' || s.gpu_index, 'series:' || s.series_id) AS device_key
FROM telemetry_energy e
JOIN telemetry_series s ON s.series_id = e.series_id
JOIN ingest_batches b ON b.batch_id = e.batch_id AND b.superseded_by IS NULL
QUALIFY row_number() OVER (
    PARTITION BY coalesce(s.host, 'batch:' || e.batch_id), device_key, e.bucket_start
    ORDER BY (e.method = 'energy_counter') DESC, e.covered_s DESC, e.batch_id DESC, e.series_id) = 1;
