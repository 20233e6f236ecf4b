-- CodeCarbon runs (from _cc_raw: the file's columns under fixed names, NULL where the layout lacks one).
-- Energies are read as exact decimals (DECIMAL(38, 28)), so sums equal the file's own sums.
-- PUE: from CodeCarbon 2.2.3 on every energy column is already multiplied by the run's `pue`. A file of
-- such a version without a pue column is taken to carry CodeCarbon's default PUE of 1.0 (a stated
-- assumption, counted in the result); older layouts carry no PUE.
-- The row's timestamp is when the run stopped (host-local time, $tz); the run started `duration` earlier.
-- Attribution: project_name is the model unless it is CodeCarbon's default 'codecarbon'; run_id (else
-- experiment_id) is the job; the ingest flags fill what the file leaves open.
-- Location: the cloud provider and region the file names when on_cloud = Y, else the ingest options.
-- Parameters: $batch_id, $layout, $has_pue, $tz, $opt_host, $opt_team, $opt_model, $opt_workload, $opt_job,
-- $opt_provider, $opt_region, $opt_country.
INSERT INTO codecarbon_runs BY NAME
WITH v AS (
    SELECT
        source_row,
        CASE WHEN fp_blank(ts_text) IS NULL THEN fp_fail(source_row, 'timestamp', 'missing time stamp')
             WHEN fp_tel_ts(ts_text, $tz) IS NULL
                 THEN fp_fail(source_row, 'timestamp', 'cannot read ''' || ts_text || ''' as a time stamp')
             ELSE fp_tel_ts(ts_text, $tz) END AS run_end,
        CASE WHEN fp_blank(duration) IS NULL THEN fp_fail(source_row, 'duration', 'missing duration')
             WHEN TRY_CAST(trim(duration) AS DOUBLE) IS NULL OR TRY_CAST(trim(duration) AS DOUBLE) < 0
                 THEN fp_fail(source_row, 'duration', 'cannot read ''' || duration || ''' as seconds')
             ELSE TRY_CAST(trim(duration) AS DOUBLE) END AS duration_s,
        CASE WHEN fp_blank(energy_consumed) IS NULL
                 THEN fp_fail(source_row, 'energy_consumed', 'missing energy')
             WHEN TRY_CAST(trim(energy_consumed) AS DECIMAL(38, 28)) IS NULL
                 THEN fp_fail(source_row, 'energy_consumed', 'cannot read ''' || energy_consumed || ''' as kWh')
             WHEN TRY_CAST(trim(energy_consumed) AS DECIMAL(38, 28)) < 0
                 THEN fp_fail(source_row, 'energy_consumed', 'negative energy ' || energy_consumed)
             ELSE TRY_CAST(trim(energy_consumed) AS DECIMAL(38, 28)) END AS energy_consumed_kwh,
        CASE WHEN fp_blank(cpu_energy) IS NULL THEN NULL
             WHEN TRY_CAST(trim(cpu_energy) AS DECIMAL(38, 28)) IS NULL
                 THEN fp_fail(source_row, 'cpu_energy', 'cannot read ''' || cpu_energy || ''' as kWh')
             ELSE TRY_CAST(trim(cpu_energy) AS DECIMAL(38, 28)) END AS cpu_energy_kwh,
        CASE WHEN fp_blank(gpu_energy) IS NULL THEN NULL
             WHEN TRY_CAST(trim(gpu_energy) AS DECIMAL(38, 28)) IS NULL
                 THEN fp_fail(source_row, 'gpu_energy', 'cannot read ''' || gpu_energy || ''' as kWh')
             ELSE TRY_CAST(trim(gpu_energy) AS DECIMAL(38, 28)) END AS gpu_energy_kwh,
        CASE WHEN fp_blank(ram_energy) IS NULL THEN NULL
             WHEN TRY_CAST(trim(ram_energy) AS DECIMAL(38, 28)) IS NULL
                 THEN fp_fail(source_row, 'ram_energy', 'cannot read ''' || ram_energy || ''' as kWh')
             ELSE TRY_CAST(trim(ram_energy) AS DECIMAL(38, 28)) END AS ram_energy_kwh,
        CASE WHEN fp_blank(emissions) IS NULL THEN NULL
             WHEN TRY_CAST(trim(emissions) AS DECIMAL(38, 28)) IS NULL
                 THEN fp_fail(source_row, 'emissions', 'cannot read ''' || emissions || ''' as kg')
             ELSE TRY_CAST(trim(emissions) AS DECIMAL(38, 28)) END AS emissions_kg,
        TRY_CAST(trim(cpu_power) AS DOUBLE) AS cpu_power_w,
        TRY_CAST(trim(gpu_power) AS DOUBLE) AS gpu_power_w,
        TRY_CAST(trim(ram_power) AS DOUBLE) AS ram_power_w,
        TRY_CAST(trim(gpu_count) AS DOUBLE) AS gpu_count,
        fp_blank(gpu_model) AS gpu_model,
        fp_blank(project_name) AS project_name,
        fp_blank(run_id) AS run_id,
        fp_blank(experiment_id) AS experiment_id,
        fp_blank(task_name) AS task_name,
        fp_blank(codecarbon_version) AS codecarbon_version,
        fp_blank(country_name) AS country_name,
        upper(fp_blank(country_iso_code)) AS country_iso3,
        fp_blank(region) AS region,
        lower(fp_blank(cloud_provider)) AS cloud_provider,
        lower(fp_blank(cloud_region)) AS cloud_region,
        CASE upper(trim(on_cloud)) WHEN 'Y' THEN true WHEN 'N' THEN false END AS on_cloud,
        fp_blank(tracking_mode) AS tracking_mode,
        CASE WHEN fp_blank(pue) IS NULL THEN NULL
             WHEN TRY_CAST(trim(pue) AS DOUBLE) IS NULL OR TRY_CAST(trim(pue) AS DOUBLE) < 1
                 THEN fp_fail(source_row, 'pue', 'cannot read ''' || pue || ''' as a PUE (1 or more)')
             ELSE TRY_CAST(trim(pue) AS DOUBLE) END AS pue_value,
        list_transform(string_split(regexp_extract(codecarbon_version, '^([0-9]+(?:\.[0-9]+)*)', 1), '.'),
                       lambda x: TRY_CAST(x AS INTEGER)) AS version_parts
    FROM _cc_raw
)
SELECT
    $batch_id AS batch_id,
    source_row,
    $layout AS layout,
    codecarbon_version,
    run_end - to_microseconds(CAST(round(duration_s * 1e6) AS BIGINT)) AS run_start,
    run_end,
    duration_s,
    project_name, run_id, experiment_id, task_name,
    energy_consumed_kwh, cpu_energy_kwh, gpu_energy_kwh, ram_energy_kwh, emissions_kg,
    cpu_power_w, gpu_power_w, ram_power_w, gpu_count, gpu_model,
    fp_gpu_model(gpu_model) AS accelerator_model,
    country_name, country_iso3, region, cloud_provider, cloud_region, on_cloud, tracking_mode,
    (pue_value IS NOT NULL OR $has_pue OR coalesce(version_parts >= [2, 2, 3], false)) AS pue_included,
    CASE WHEN pue_value IS NOT NULL THEN pue_value
         WHEN $has_pue OR coalesce(version_parts >= [2, 2, 3], false) THEN 1.0 END AS pue_in_source,
    CASE WHEN on_cloud AND cloud_provider IS NOT NULL THEN fp_provider(cloud_provider)
         ELSE $opt_provider END AS provider,
    CASE WHEN on_cloud AND cloud_region IS NOT NULL THEN cloud_region ELSE $opt_region END AS region_id,
    $opt_country AS country_iso2,
    $opt_host AS host,
    $opt_team AS team,
    coalesce(CASE WHEN project_name <> 'codecarbon' THEN project_name END, $opt_model) AS model,
    $opt_workload AS workload,
    coalesce(run_id, experiment_id, $opt_job) AS job,
    CASE WHEN coalesce(CASE WHEN project_name <> 'codecarbon' THEN project_name END, run_id, experiment_id) IS NOT NULL
              AND coalesce($opt_team, $opt_model, $opt_workload, $opt_job) IS NOT NULL THEN 'labels+flags'
         WHEN coalesce(CASE WHEN project_name <> 'codecarbon' THEN project_name END, run_id, experiment_id) IS NOT NULL
              THEN 'labels'
         WHEN coalesce($opt_team, $opt_model, $opt_workload, $opt_job) IS NOT NULL THEN 'flags'
    END AS attribution_source
FROM v;
