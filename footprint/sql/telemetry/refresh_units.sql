-- Measured units of the live batches (_tr_units): device energy per device and UTC hour, and CodeCarbon
-- runs, with their attribution resolved and the two energies matching needs.
--   accel_it_kwh : accelerator IT energy, PUE not applied - what a matching bill row gets (line_item_measured)
--   total_kwh    : energy as the source reports it - what goes to telemetry_activity when no bill covers it
-- Rules:
-- * one device, one hour, one source: device energy comes from v_telemetry_device_hours (migration 023),
--   which keeps one live batch's measurement per device and hour (energy counter, then the better-covered
--   hour, then the later batch); the Telemetry page's hourly table reads the same view.
-- * attribution: the source's labels, then the ingest flags (both stored on the series / run), then the
--   telemetry mapping (most specific rule: GPU given, then narrower window, then later file).
-- * CodeCarbon: GPU energy is machine-wide and includes CodeCarbon's PUE, so the accelerator IT energy is
--   gpu_energy / pue; where device telemetry of the same host overlaps the run, the device telemetry is
--   the GPU measurement and the run contributes only CPU and RAM energy.
CREATE OR REPLACE TEMP TABLE _tr_units AS
WITH live AS (
    SELECT batch_id FROM ingest_batches WHERE superseded_by IS NULL
),
dev1 AS (
    SELECT * FROM v_telemetry_device_hours
),
cc AS (
    SELECT r.*,
           EXISTS (SELECT 1 FROM dev1 d
                   WHERE lower(d.host) = lower(r.host)
                     AND d.first_ts < r.run_end AND d.last_ts > r.run_start) AS device_covered
    FROM codecarbon_runs r JOIN live ON live.batch_id = r.batch_id
),
units AS (
    SELECT 'device' AS kind, batch_id,
           'd:' || series_id || ':' || epoch(bucket_start) AS unit_key,
           bucket_start AS window_start, bucket_end AS window_end, first_ts, last_ts,
           host, device_key, gpu_index, gpu_uuid, accelerator_model, 1.0 AS device_count,
           team, model, workload, job, provider, region_id, country_iso2, source_format,
           energy_kwh AS accel_it_kwh, energy_kwh AS total_kwh, covered_s AS device_s,
           FALSE AS pue_included, CAST(NULL AS DOUBLE) AS pue_in_source
    FROM dev1
    UNION ALL BY NAME
    SELECT 'codecarbon' AS kind, batch_id,
           'c:' || batch_id || ':' || source_row AS unit_key,
           run_start AS window_start, run_end AS window_end, run_start AS first_ts, run_end AS last_ts,
           host, 'codecarbon' AS device_key, NULL AS gpu_index, NULL AS gpu_uuid, accelerator_model,
           gpu_count AS device_count,
           team, model, workload, job, provider, region_id, country_iso2, 'codecarbon' AS source_format,
           CASE WHEN device_covered THEN 0.0
                ELSE CAST(coalesce(gpu_energy_kwh, 0) AS DOUBLE) / coalesce(pue_in_source, 1.0) END AS accel_it_kwh,
           CAST(energy_consumed_kwh - CASE WHEN device_covered THEN coalesce(gpu_energy_kwh, 0) ELSE 0 END
                AS DOUBLE) AS total_kwh,
           duration_s * coalesce(gpu_count, 0) AS device_s,
           pue_included, pue_in_source
    FROM cc
),
rules AS (
    SELECT m.* FROM telemetry_mapping m JOIN live ON live.batch_id = m.batch_id
),
mapped AS (
    SELECT u.*, r.team AS m_team, r.model AS m_model, r.workload AS m_workload, r.job AS m_job,
           r.resource_id AS m_resource_id
    FROM units u
    LEFT JOIN rules r
      ON  lower(r.host) = lower(u.host)
      AND (r.gpu_index IS NULL OR r.gpu_index = u.gpu_index)
      AND (r.gpu_uuid IS NULL OR lower(r.gpu_uuid) = lower(u.gpu_uuid))
      AND (r.valid_from IS NULL OR u.window_start >= r.valid_from)
      AND (r.valid_to IS NULL OR u.window_start < r.valid_to)
    QUALIFY row_number() OVER (
        PARTITION BY u.unit_key
        ORDER BY (r.gpu_index IS NOT NULL OR r.gpu_uuid IS NOT NULL) DESC,
                 CAST(r.valid_from IS NOT NULL AS INTEGER) + CAST(r.valid_to IS NOT NULL AS INTEGER) DESC,
                 r.batch_id DESC, r.source_row DESC) = 1
)
SELECT
    mapped.* EXCLUDE (team, model, workload, job, m_team, m_model, m_workload, m_job, m_resource_id),
    coalesce(team, m_team, 'unattributed') AS team,
    coalesce(model, m_model, 'unattributed') AS model,
    coalesce(workload, m_workload, 'unknown') AS workload,
    coalesce(job, m_job) AS job,
    m_resource_id AS resource_id,
    list_filter(list_distinct([lower(host), lower(m_resource_id), lower(regexp_extract(m_resource_id, '([^/:]+)$', 1))]),
                lambda k: k IS NOT NULL AND k <> '') AS match_keys
FROM mapped;
