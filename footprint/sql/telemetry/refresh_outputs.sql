-- line_item_measured: the accelerator IT energy and device-hours of every unit's covered part, per bill row
-- (exact sums: the same whatever order threads add in).
INSERT INTO line_item_measured BY NAME
SELECT
    m.row_id,
    fp_sum(u.accel_it_kwh * m.coverage * m.share) AS measured_accelerator_energy_kwh,
    fp_sum(u.device_s * m.coverage * m.share) / 3600.0 AS measured_device_hours,
    string_agg(DISTINCT CAST(u.batch_id AS VARCHAR), ',' ORDER BY CAST(u.batch_id AS VARCHAR)) AS telemetry_batches
FROM _tr_match m
JOIN _tr_units u USING (unit_key)
WHERE u.accel_it_kwh * m.coverage > 0 OR u.device_s * m.coverage > 0
GROUP BY m.row_id;
