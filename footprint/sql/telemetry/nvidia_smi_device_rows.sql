-- One row per GPU of an nvidia-smi log (_tl_devices, the shape every device reader hands on).
CREATE OR REPLACE TEMP TABLE _tl_devices AS
SELECT
    device_no,
    any_value(host) AS host,
    any_value(device_key) AS device_key,
    min(gpu_index) AS gpu_index,
    min(gpu_uuid) AS gpu_uuid,
    mode(gpu_name) AS gpu_name,
    CAST(NULL AS VARCHAR) AS mig_instances,
    CAST(NULL AS VARCHAR) AS pod, CAST(NULL AS VARCHAR) AS namespace, CAST(NULL AS VARCHAR) AS container,
    CAST(NULL AS VARCHAR) AS label_team, CAST(NULL AS VARCHAR) AS label_model,
    CAST(NULL AS VARCHAR) AS label_workload, CAST(NULL AS VARCHAR) AS label_job,
    CAST(NULL AS JSON) AS labels
FROM _tl_ids
GROUP BY device_no;
