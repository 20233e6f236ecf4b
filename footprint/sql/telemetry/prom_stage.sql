-- Raw Prometheus samples (_tp_raw) classified per line (_tl_rows: reason a line is not used) and read
-- into the staged device shape (_tl_staged: one row per device label set and time stamp).
-- Metrics read, their role and the factor to this store's units:
--   DCGM_FI_DEV_POWER_USAGE W, DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION mJ (counter), DCGM_FI_DEV_GPU_UTIL %,
--   DCGM_FI_PROF_GR_ENGINE_ACTIVE ratio (utilisation where GPU_UTIL is absent, e.g. MIG), DCGM_FI_DEV_FB_USED
--   MiB; nvidia_gpu_exporter: nvidia_smi_power_draw_watts W, nvidia_smi_energy_joules_total J,
--   nvidia_smi_utilization_gpu_ratio 0-1, nvidia_smi_memory_used_bytes B, nvidia_smi_gpu_info (name, index).
-- Labels are matched case-insensitively (Hostname / hostname); Kubernetes labels prefer the exported_*
-- spelling (Prometheus renames the exporter's own labels to that when honor_labels is false), then the
-- plain one, then the --use-old-namespace one (pod_name, pod_namespace, container_name).
-- MIG: DCGM repeats the board's power on every GPU instance; one reading per board and time is kept (the
-- lowest GPU_I_ID) and the others are skipped as mig_instance_duplicate.
-- DCGM 'blank' sentinels (>= 9.2e18) are skipped, as are NaN / Inf and readings without a gpu / UUID label.
-- Parameters: $opt_host, $workloads (accepted workload label values).
CREATE OR REPLACE TEMP TABLE _tp_cls AS
WITH roles(metric, role, factor) AS (
    VALUES ('DCGM_FI_DEV_POWER_USAGE', 'power_w', 1.0),
           ('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'energy_counter_mj', 1.0),
           ('DCGM_FI_DEV_GPU_UTIL', 'utilisation_pct', 1.0),
           ('DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'engine_active_pct', 100.0),
           ('DCGM_FI_DEV_FB_USED', 'memory_used_mib', 1.0),
           ('nvidia_smi_power_draw_watts', 'power_w', 1.0),
           ('nvidia_smi_energy_joules_total', 'energy_counter_mj', 1000.0),
           ('nvidia_smi_utilization_gpu_ratio', 'utilisation_pct', 100.0),
           ('nvidia_smi_memory_used_bytes', 'memory_used_mib', 1.0 / 1048576),
           ('nvidia_smi_gpu_info', 'info', 1.0)
),
r AS (
    SELECT raw.*, roles.role, roles.factor, TRY_CAST(raw.value_text AS DOUBLE) AS value,
           list_transform(raw.names, lambda x: lower(x)) AS lnames
    FROM _tp_raw raw LEFT JOIN roles USING (metric)
),
lab AS (
    SELECT r.*,
        lnames, vals,
        coalesce(vals[list_position(lnames, 'hostname')], vals[list_position(lnames, 'exported_hostname')],
                 vals[list_position(lnames, 'node')], vals[list_position(lnames, 'kubernetes_node')],
                 $opt_host, regexp_replace(vals[list_position(lnames, 'instance')], ':[0-9]+$', '')) AS host,
        fp_gpu_uuid(vals[list_position(lnames, 'uuid')]) AS gpu_uuid,
        TRY_CAST(coalesce(vals[list_position(lnames, 'gpu')], vals[list_position(lnames, 'index')]) AS INTEGER)
            AS gpu_index,
        coalesce(vals[list_position(lnames, 'modelname')], vals[list_position(lnames, 'name')]) AS gpu_name,
        vals[list_position(lnames, 'gpu_i_id')] AS mig_instance,
        coalesce(vals[list_position(lnames, 'exported_pod')], vals[list_position(lnames, 'pod')],
                 vals[list_position(lnames, 'pod_name')]) AS pod,
        coalesce(vals[list_position(lnames, 'exported_namespace')], vals[list_position(lnames, 'namespace')],
                 vals[list_position(lnames, 'pod_namespace')]) AS namespace,
        coalesce(vals[list_position(lnames, 'exported_container')], vals[list_position(lnames, 'container')],
                 vals[list_position(lnames, 'container_name')]) AS container,
        vals[list_position(lnames, 'team')] AS label_team,
        vals[list_position(lnames, 'model')] AS label_model,
        CASE WHEN list_contains($workloads, vals[list_position(lnames, 'workload')])
             THEN vals[list_position(lnames, 'workload')] END AS label_workload,
        vals[list_position(lnames, 'hpc_job')] AS hpc_job
    FROM r
),
k AS (
    SELECT lab.* EXCLUDE (hpc_job),
           coalesce(hpc_job, pod) AS label_job,
           coalesce(gpu_uuid, 'index:' || gpu_index, 'unlabelled') AS device_key
    FROM lab
),
reasons AS (
    SELECT k.*,
        CASE
            WHEN metric IS NULL OR value_text IS NULL THEN 'malformed_line'
            WHEN role IS NULL THEN 'metric_not_used'
            WHEN value IS NULL THEN fp_fail(source_row, metric, 'cannot read ''' || value_text || ''' as a number')
            WHEN NOT isfinite(value) THEN 'not_a_number'
            WHEN value >= 9.2e18 THEN 'dcgm_blank_value'
            WHEN value < 0 AND role IN ('power_w', 'energy_counter_mj')
                THEN fp_fail(source_row, metric, 'negative reading ' || value_text)
            WHEN role <> 'info' AND device_key = 'unlabelled' THEN 'no_gpu_label'
        END AS skip_reason
    FROM k
)
SELECT reasons.* REPLACE (
    coalesce(skip_reason, CASE
        WHEN role <> 'info' AND row_number() OVER (
                PARTITION BY role, host, device_key, ts, skip_reason IS NULL
                ORDER BY TRY_CAST(mig_instance AS INTEGER) NULLS FIRST, mig_instance NULLS FIRST, source_row) > 1
            THEN CASE WHEN mig_instance IS NOT NULL THEN 'mig_instance_duplicate' ELSE 'duplicate_sample' END
    END) AS skip_reason)
FROM reasons;
