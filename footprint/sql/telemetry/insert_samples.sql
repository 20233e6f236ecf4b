-- Stored samples of a batch: staged rows joined to their series. Parameter: $batch_id.
INSERT INTO telemetry_samples BY NAME
SELECT
    s.series_id,
    $batch_id AS batch_id,
    t.source_row,
    t.ts,
    t.power_w,
    t.energy_counter_mj,
    t.utilisation_pct,
    t.memory_used_mib
FROM _tl_staged t
JOIN _tl_series s
  ON  s.host IS NOT DISTINCT FROM t.host
  AND s.device_key IS NOT DISTINCT FROM t.device_key
  AND s.pod IS NOT DISTINCT FROM t.pod
  AND s.namespace IS NOT DISTINCT FROM t.namespace
  AND s.container IS NOT DISTINCT FROM t.container
  AND s.label_team IS NOT DISTINCT FROM t.label_team
  AND s.label_model IS NOT DISTINCT FROM t.label_model
  AND s.label_workload IS NOT DISTINCT FROM t.label_workload
  AND s.label_job IS NOT DISTINCT FROM t.label_job;
