-- Series of a batch from the staged rows every device reader produces (_tl_staged: one row per kept
-- reading, columns as in telemetry_series / telemetry_samples plus device_key and the source labels).
-- A series is one device with one set of attribution labels. Attribution: the file's own labels first,
-- the ingest flags where the file says nothing.
-- Parameters: $batch_id, $opt_team, $opt_model, $opt_workload, $opt_job.
CREATE OR REPLACE TEMP TABLE _tl_series AS
WITH g AS (
    SELECT host, device_key, pod, namespace, container,
           label_team, label_model, label_workload, label_job,
           min(source_row) AS first_row,
           min(gpu_index) AS gpu_index,
           min(gpu_uuid) AS gpu_uuid,
           mode(gpu_name) AS gpu_name,
           string_agg(DISTINCT mig_instance, ',' ORDER BY mig_instance) AS mig_instances,
           any_value(labels) AS labels
    FROM _tl_staged
    GROUP BY ALL
)
SELECT
    (CAST($batch_id AS BIGINT) << 32) + row_number() OVER (ORDER BY first_row, host, device_key) AS series_id,
    g.*,
    coalesce(label_team, $opt_team) AS team,
    coalesce(label_model, $opt_model) AS model,
    coalesce(label_workload, $opt_workload) AS workload,
    coalesce(label_job, $opt_job) AS job,
    CASE
        WHEN coalesce(label_team, label_model, label_workload, label_job) IS NOT NULL
             AND ((label_team IS NULL AND $opt_team IS NOT NULL) OR (label_model IS NULL AND $opt_model IS NOT NULL)
                  OR (label_workload IS NULL AND $opt_workload IS NOT NULL) OR (label_job IS NULL AND $opt_job IS NOT NULL))
             THEN 'labels+flags'
        WHEN coalesce(label_team, label_model, label_workload, label_job) IS NOT NULL THEN 'labels'
        WHEN coalesce($opt_team, $opt_model, $opt_workload, $opt_job) IS NOT NULL THEN 'flags'
    END AS attribution_source
FROM g;
