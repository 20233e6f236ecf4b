-- Consecutive sample pairs of every series in one batch, with the energy each interval stands for.
-- Parameters: $batch_id, $max_gap_factor.
-- A series with at least two energy-counter readings is measured by its counter (sum of increases; a
-- decrease is a counter reset and the new reading counts from zero, as Prometheus increase() does).
-- Otherwise power is integrated with trapezoids. The sampling interval is the series' median spacing; a
-- power interval longer than max_gap_factor x that spacing is a gap and is not bridged.
CREATE OR REPLACE TEMP TABLE _te_pairs AS
WITH s AS (
    SELECT series_id, ts, power_w, energy_counter_mj
    FROM telemetry_samples
    WHERE batch_id = $batch_id AND ts IS NOT NULL
),
method AS (
    SELECT series_id,
           CASE WHEN count(energy_counter_mj) >= 2 THEN 'energy_counter' ELSE 'power_trapezoid' END AS method
    FROM s GROUP BY series_id
),
pts AS (
    SELECT s.series_id, m.method, s.ts,
           CASE WHEN m.method = 'energy_counter' THEN s.energy_counter_mj ELSE s.power_w END AS v
    FROM s JOIN method m USING (series_id)
),
used AS (
    SELECT * FROM pts WHERE v IS NOT NULL
),
pairs AS (
    SELECT series_id, method,
           lag(ts) OVER w AS t0, ts AS t1,
           lag(v) OVER w AS v0, v AS v1
    FROM used
    WINDOW w AS (PARTITION BY series_id ORDER BY ts)
),
iv AS (
    SELECT *, (epoch_us(t1) - epoch_us(t0)) / 1e6 AS dt_s FROM pairs WHERE t0 IS NOT NULL
),
spacing AS (
    SELECT series_id, median(dt_s) AS interval_s FROM iv WHERE dt_s > 0 GROUP BY series_id
)
SELECT
    iv.series_id, iv.method, iv.t0, iv.t1, iv.v0, iv.v1, iv.dt_s,
    sp.interval_s,
    $max_gap_factor * sp.interval_s AS max_bridge_s,
    CASE WHEN iv.method = 'energy_counter'
         THEN (CASE WHEN iv.v1 >= iv.v0 THEN iv.v1 - iv.v0 ELSE iv.v1 END) / 3.6e9   -- mJ -> kWh
         ELSE (iv.v0 + iv.v1) / 2 * iv.dt_s / 3.6e6                                  -- W*s -> kWh
    END AS energy_kwh,
    iv.method = 'energy_counter' AND iv.v1 < iv.v0 AS is_reset,
    iv.dt_s > $max_gap_factor * sp.interval_s AS is_gap
FROM iv JOIN spacing sp USING (series_id);
