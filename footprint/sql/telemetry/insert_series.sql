-- Stored series of a batch (from _tl_series).
-- Parameters: $batch_id, $format_id, $opt_provider, $opt_region, $opt_country.
INSERT INTO telemetry_series BY NAME
SELECT
    series_id,
    $batch_id AS batch_id,
    $format_id AS source_format,
    host, gpu_index, gpu_uuid, gpu_name,
    fp_gpu_model(gpu_name) AS accelerator_model,
    mig_instances, pod, namespace, container,
    team, model, workload, job, attribution_source,
    $opt_provider AS provider,
    $opt_region AS region_id,
    $opt_country AS country_iso2,
    labels
FROM _tl_series;
