-- Kept Prometheus samples (_tp_cls) pivoted (_tl_pivot): one row per device label set and time stamp,
-- readings converted with each metric's factor. Names and indices from nvidia_smi_gpu_info fill in for
-- series that only carry a uuid.
CREATE OR REPLACE TEMP TABLE _tl_pivot AS
WITH kept AS (
    SELECT * FROM _tp_cls WHERE skip_reason IS NULL
),
boards AS (  -- every MIG instance seen per board, duplicates included
    SELECT host, device_key, string_agg(DISTINCT mig_instance, ',' ORDER BY mig_instance) AS mig_instances
    FROM _tp_cls
    WHERE role IS NOT NULL AND role <> 'info' AND mig_instance IS NOT NULL
      AND coalesce(skip_reason, 'mig_instance_duplicate') = 'mig_instance_duplicate'
    GROUP BY host, device_key
),
info AS (
    SELECT gpu_uuid, any_value(gpu_name) AS info_name, any_value(gpu_index) AS info_index
    FROM kept WHERE role = 'info' AND gpu_uuid IS NOT NULL GROUP BY gpu_uuid
),
s AS (
    SELECT
        min(source_row) AS source_row,
        host, device_key, pod, namespace, container, label_team, label_model, label_workload, label_job, ts,
        min(gpu_index) AS gpu_index,
        min(gpu_uuid) AS gpu_uuid,
        min(gpu_name) AS gpu_name,
        max(value * factor) FILTER (WHERE role = 'power_w') AS power_w,
        max(value * factor) FILTER (WHERE role = 'energy_counter_mj') AS energy_counter_mj,
        coalesce(max(value * factor) FILTER (WHERE role = 'utilisation_pct'),
                 max(value * factor) FILTER (WHERE role = 'engine_active_pct')) AS utilisation_pct,
        max(value * factor) FILTER (WHERE role = 'memory_used_mib') AS memory_used_mib,
        to_json(any_value({'names': names, 'values': vals})) AS labels
    FROM kept
    WHERE role <> 'info'
    GROUP BY host, device_key, pod, namespace, container, label_team, label_model, label_workload, label_job, ts
)
SELECT
    s.source_row, s.host, s.device_key,
    coalesce(s.gpu_index, info.info_index) AS gpu_index,
    s.gpu_uuid,
    coalesce(s.gpu_name, info.info_name) AS gpu_name,
    boards.mig_instances AS mig_instance, s.pod, s.namespace, s.container,
    s.label_team, s.label_model, s.label_workload, s.label_job,
    s.labels, s.ts, s.power_w, s.energy_counter_mj, s.utilisation_pct, s.memory_used_mib
FROM s
LEFT JOIN info USING (gpu_uuid)
LEFT JOIN boards ON boards.host IS NOT DISTINCT FROM s.host AND boards.device_key = s.device_key;
