-- Series of a batch (_tl_series) from what every device reader hands on: _tl_devices (one row per device
-- and label set, numbered device_no) and _tl_staged (the kept readings, by device_no). Devices without a
-- kept reading are left out. Attribution: the file's own labels first, the ingest flags where the file
-- says nothing. Parameters: $batch_id, $opt_team, $opt_model, $opt_workload, $opt_job.
CREATE OR REPLACE TEMP TABLE _tl_series AS
WITH used AS (
    SELECT device_no, min(source_row) AS first_row FROM _tl_staged GROUP BY device_no
)
SELECT
    (CAST($batch_id AS BIGINT) << 32) + row_number() OVER (ORDER BY u.first_row, d.device_no) AS series_id,
    d.*,
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
FROM _tl_devices d
JOIN used u USING (device_no);
