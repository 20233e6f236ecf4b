-- Counted intervals of _te_pairs split into UTC hours (in proportion to time) and summed per series and
-- hour. Counter intervals always count (the counter measured them, however long); power intervals count
-- unless they are gaps. Sums are exact (fp_sum), so a series' hours do not depend on the order threads
-- add its intervals in. Parameter: $batch_id.
INSERT INTO telemetry_energy
WITH counted AS (
    SELECT series_id, method, t0, t1, dt_s, energy_kwh,
           date_trunc('hour', t0) AS h0,
           date_trunc('hour', t1 - INTERVAL 1 MICROSECOND) AS h1
    FROM _te_pairs
    WHERE method = 'energy_counter' OR NOT is_gap
),
parts AS (
    SELECT series_id, method, h0 AS bucket, t0 AS p0, t1 AS p1, energy_kwh, dt_s
    FROM counted
    WHERE h0 >= h1 OR dt_s = 0
    UNION ALL
    SELECT series_id, method, bucket,
           greatest(t0, bucket) AS p0,
           least(t1, bucket + INTERVAL 1 HOUR) AS p1,
           energy_kwh * ((epoch_us(least(t1, bucket + INTERVAL 1 HOUR)) - epoch_us(greatest(t0, bucket))) / 1e6)
               / dt_s AS energy_kwh,
           (epoch_us(least(t1, bucket + INTERVAL 1 HOUR)) - epoch_us(greatest(t0, bucket))) / 1e6 AS dt_s
    FROM (
        SELECT *, unnest(generate_series(h0, h1, INTERVAL 1 HOUR)) AS bucket
        FROM counted
        WHERE h0 < h1 AND dt_s > 0
    )
)
SELECT
    series_id,
    $batch_id AS batch_id,
    bucket AS bucket_start,
    bucket + INTERVAL 1 HOUR AS bucket_end,
    min(p0) AS first_ts,
    max(p1) AS last_ts,
    any_value(method) AS method,
    fp_sum(energy_kwh) AS energy_kwh,
    fp_sum(dt_s) AS covered_s,
    count(*) AS intervals
FROM parts
GROUP BY series_id, bucket;
