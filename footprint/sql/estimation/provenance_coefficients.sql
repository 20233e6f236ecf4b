-- Every coefficient behind a filtered figure: the ids the rows recorded (coefficient_ids), resolved to
-- their value in the shipped tables and to the citation of each source id. {where}: see provenance_rows.sql.
WITH used AS (
    SELECT id, count(*) AS line_items, sum(energy_kwh) AS energy_kwh
    FROM (SELECT unnest(string_split(coefficient_ids, ';')) AS id, energy_kwh
          FROM v_footprint WHERE ({where}) AND coefficient_ids IS NOT NULL)
    GROUP BY id
), util AS (
    SELECT u.id, printf('low %.2f, central %.2f, high %.2f', a.utilization_low, a.utilization,
                        a.utilization_high) AS value, a.source_id, a.rationale AS note
    FROM used u
    JOIN ref_utilization_assumptions a
      ON u.id LIKE 'utilization:%' AND a.device_class = split_part(u.id, ':', 2)
     AND a.workload IN (substr(u.id, length('utilization:' || split_part(u.id, ':', 2) || ':') + 1), '*')
    QUALIFY row_number() OVER (PARTITION BY u.id ORDER BY a.workload = '*') = 1
), catalog AS (
    SELECT * FROM util
    UNION ALL
    SELECT 'cpu:' || cpu_microarchitecture AS id,
           printf('%.4f W idle, %.4f W full load per vCPU; baseline memory %.3f GB per vCPU',
                  min_power_w_per_vcpu, max_power_w_per_vcpu, memory_baseline_gb_per_vcpu) AS value,
           source_id, note
    FROM ref_cpu_power WHERE provider = 'any'
    UNION ALL
    SELECT 'cpu:fallback:' || provider,
           printf('%.4f W idle, %.4f W full load per vCPU; baseline memory %.3f GB per vCPU',
                  min_power_w_per_vcpu, max_power_w_per_vcpu, memory_baseline_gb_per_vcpu),
           source_id, note
    FROM ref_cpu_power WHERE provider <> 'any'
    UNION ALL
    SELECT 'accelerator:' || accelerator_model,
           printf('power limit %d W, idle %.2f W, full load %.2f W, curve %s', power_limit_w, idle_power_w,
                  full_load_power_w, curve_id),
           concat_ws(';', power_limit_source_id, idle_source_id, full_load_source_id), note
    FROM ref_accelerator_power
    UNION ALL
    SELECT 'curve:' || curve_id,
           string_agg(printf('%.0f%% -> %.5f', utilization * 100, dynamic_fraction), ', ' ORDER BY utilization),
           string_agg(DISTINCT source_id, ';'), 'fraction of (full load - idle) at each utilisation'
    FROM ref_power_curves GROUP BY curve_id
    UNION ALL
    SELECT coefficient_id, printf('%g (low %g, high %g) %s', value, value_low, value_high, unit), source_id, note
    FROM ref_energy_coefficients
    UNION ALL
    SELECT DISTINCT 'replication:' || coefficient_id, printf('replication factor %d', replication_factor),
           source_id, provider || ' storage matching ' || pattern
    FROM ref_storage_replication
    UNION ALL
    SELECT 'measured:line_item_measured', 'measured accelerator energy matched to the billing row', NULL,
           'telemetry step (line_item_measured)'
    UNION ALL
    SELECT 'measured:telemetry_activity', 'measured energy no bill covers', NULL, 'telemetry step (telemetry_activity)'
)
SELECT u.id AS coefficient_id, u.line_items, u.energy_kwh, c.value, c.note, c.source_id,
       (SELECT string_agg(s.citation || ' <' || s.url || '> [' || s.licence || ']', ' | ')
        FROM ref_sources s WHERE list_contains(string_split(c.source_id, ';'), s.source_id)) AS sources
FROM used u
LEFT JOIN (SELECT * FROM catalog QUALIFY row_number() OVER (PARTITION BY id) = 1) c ON c.id = u.id
ORDER BY u.id
