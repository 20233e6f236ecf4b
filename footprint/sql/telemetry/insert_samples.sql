-- Stored samples of a batch: kept readings joined to their series by device number. Parameter: $batch_id.
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
JOIN _tl_series s USING (device_no);
