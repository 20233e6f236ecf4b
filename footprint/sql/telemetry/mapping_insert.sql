-- Telemetry mapping rows (from _tm_raw): which team, model, workload and job a host's GPUs worked for in
-- a time window, and which billed resource the host is. Parameters: $batch_id, $tz, $workloads.
INSERT INTO telemetry_mapping BY NAME
WITH v AS (
    SELECT
        source_row,
        coalesce(fp_blank(host), fp_fail(source_row, 'host', 'missing host')) AS host,
        CASE WHEN fp_blank(gpu) IS NULL OR regexp_matches(trim(gpu), '^(?i)(GPU|MIG)-') THEN NULL
             WHEN TRY_CAST(trim(gpu) AS INTEGER) IS NULL
                 THEN fp_fail(source_row, 'gpu', 'cannot read ''' || gpu || ''' as a GPU index or UUID')
             ELSE TRY_CAST(trim(gpu) AS INTEGER) END AS gpu_index,
        CASE WHEN regexp_matches(trim(gpu), '^(?i)(GPU|MIG)-') THEN trim(gpu) END AS gpu_uuid,
        CASE WHEN fp_blank(valid_from) IS NULL THEN NULL
             WHEN fp_tel_ts(valid_from, $tz) IS NULL
                 THEN fp_fail(source_row, 'start', 'cannot read ''' || valid_from || ''' as a time stamp')
             ELSE fp_tel_ts(valid_from, $tz) END AS valid_from,
        CASE WHEN fp_blank(valid_to) IS NULL THEN NULL
             WHEN fp_tel_ts(valid_to, $tz) IS NULL
                 THEN fp_fail(source_row, 'end', 'cannot read ''' || valid_to || ''' as a time stamp')
             ELSE fp_tel_ts(valid_to, $tz) END AS valid_to,
        fp_blank(team) AS team,
        fp_blank(model) AS model,
        CASE WHEN fp_blank(workload) IS NULL THEN NULL
             WHEN list_contains($workloads, lower(trim(workload))) THEN lower(trim(workload))
             ELSE fp_fail(source_row, 'workload', '''' || workload || ''' is not one of '
                          || array_to_string($workloads, ', ')) END AS workload,
        fp_blank(job) AS job,
        fp_blank(resource_id) AS resource_id
    FROM _tm_raw
)
SELECT
    $batch_id AS batch_id,
    source_row, host, gpu_index, gpu_uuid, valid_from,
    CASE WHEN valid_to <= valid_from THEN fp_fail(source_row, 'end', 'the window ends before it starts')
         ELSE valid_to END AS valid_to,
    team, model, workload, job, resource_id
FROM v;
