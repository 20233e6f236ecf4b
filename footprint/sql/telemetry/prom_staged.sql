-- Prometheus readings (_tl_pivot) by device number (_tl_staged, the shape every device reader hands on).
-- Duplicates and unusable lines were already classified per line (_tp_cls), so no reading is skipped here.
CREATE OR REPLACE TEMP TABLE _tl_staged AS
SELECT p.source_row, d.device_no, p.ts, p.power_w, p.energy_counter_mj, p.utilisation_pct, p.memory_used_mib,
       CAST(NULL AS VARCHAR) AS skip_reason
FROM _tl_pivot p
JOIN _tl_devices d
  ON  d.host IS NOT DISTINCT FROM p.host
  AND d.device_key IS NOT DISTINCT FROM p.device_key
  AND d.pod IS NOT DISTINCT FROM p.pod
  AND d.namespace IS NOT DISTINCT FROM p.namespace
  AND d.container IS NOT DISTINCT FROM p.container
  AND d.label_team IS NOT DISTINCT FROM p.label_team
  AND d.label_model IS NOT DISTINCT FROM p.label_model
  AND d.label_workload IS NOT DISTINCT FROM p.label_workload
  AND d.label_job IS NOT DISTINCT FROM p.label_job;
