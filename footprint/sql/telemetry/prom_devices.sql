-- The devices of a Prometheus file (_tl_devices): one per device and label set of _tl_pivot, numbered in
-- file order.
CREATE OR REPLACE TEMP TABLE _tl_devices AS
SELECT
    CAST(row_number() OVER (ORDER BY min(source_row)) AS BIGINT) AS device_no,
    host, device_key,
    min(gpu_index) AS gpu_index,
    min(gpu_uuid) AS gpu_uuid,
    min(gpu_name) AS gpu_name,
    min(mig_instance) AS mig_instances,
    pod, namespace, container, label_team, label_model, label_workload, label_job,
    any_value(labels) AS labels
FROM _tl_pivot
GROUP BY host, device_key, pod, namespace, container, label_team, label_model, label_workload, label_job;
