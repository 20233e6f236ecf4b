-- One row per model: footprint within [$since, $until], requests and the per-request ratios on matched
-- days, and, from the first day of data up to $until, the break-even of cumulative inference against
-- cumulative training facility energy, its projection from the recent serving rate, and the training
-- footprint amortised over the requests served. Each footprint sum and per-1,000 ratio comes with its
-- uncertainty range (<column>_low, <column>_high): the same sums and ratios over the items' low and high
-- estimates. Continues filtered.sql.
,
totals AS (
    SELECT model,
        fp_sum(CASE WHEN workload = 'training' THEN energy_kwh END) AS training_energy_kwh,
        fp_sum(CASE WHEN workload = 'training' THEN facility_energy_kwh END) AS training_facility_energy_kwh,
        fp_sum(CASE WHEN workload = 'training' THEN location_kgco2e END) AS training_kgco2e_location,
        fp_sum(CASE WHEN workload = 'training' THEN market_kgco2e END) AS training_kgco2e_market,
        fp_sum(CASE WHEN workload = 'training' AND workload_detail = 'fine_tuning' THEN energy_kwh END) AS fine_tuning_energy_kwh,
        fp_sum(CASE WHEN workload = 'inference' THEN energy_kwh END) AS inference_energy_kwh,
        fp_sum(CASE WHEN workload = 'inference' THEN facility_energy_kwh END) AS inference_facility_energy_kwh,
        fp_sum(CASE WHEN workload = 'inference' THEN location_kgco2e END) AS inference_kgco2e_location,
        fp_sum(CASE WHEN workload = 'inference' THEN market_kgco2e END) AS inference_kgco2e_market,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN energy_kwh END) AS other_energy_kwh,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN facility_energy_kwh END) AS other_facility_energy_kwh,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN location_kgco2e END) AS other_kgco2e_location,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN market_kgco2e END) AS other_kgco2e_market,
        -- the uncertainty range of each sum above: the sums of the items' low and high estimates
        fp_sum(CASE WHEN workload = 'training' THEN energy_kwh_low END) AS training_energy_kwh_low,
        fp_sum(CASE WHEN workload = 'training' THEN energy_kwh_high END) AS training_energy_kwh_high,
        fp_sum(CASE WHEN workload = 'training' THEN facility_energy_kwh_low END) AS training_facility_energy_kwh_low,
        fp_sum(CASE WHEN workload = 'training' THEN facility_energy_kwh_high END) AS training_facility_energy_kwh_high,
        fp_sum(CASE WHEN workload = 'training' THEN location_kgco2e_low END) AS training_kgco2e_location_low,
        fp_sum(CASE WHEN workload = 'training' THEN location_kgco2e_high END) AS training_kgco2e_location_high,
        fp_sum(CASE WHEN workload = 'training' THEN market_kgco2e_low END) AS training_kgco2e_market_low,
        fp_sum(CASE WHEN workload = 'training' THEN market_kgco2e_high END) AS training_kgco2e_market_high,
        fp_sum(CASE WHEN workload = 'inference' THEN energy_kwh_low END) AS inference_energy_kwh_low,
        fp_sum(CASE WHEN workload = 'inference' THEN energy_kwh_high END) AS inference_energy_kwh_high,
        fp_sum(CASE WHEN workload = 'inference' THEN facility_energy_kwh_low END) AS inference_facility_energy_kwh_low,
        fp_sum(CASE WHEN workload = 'inference' THEN facility_energy_kwh_high END) AS inference_facility_energy_kwh_high,
        fp_sum(CASE WHEN workload = 'inference' THEN location_kgco2e_low END) AS inference_kgco2e_location_low,
        fp_sum(CASE WHEN workload = 'inference' THEN location_kgco2e_high END) AS inference_kgco2e_location_high,
        fp_sum(CASE WHEN workload = 'inference' THEN market_kgco2e_low END) AS inference_kgco2e_market_low,
        fp_sum(CASE WHEN workload = 'inference' THEN market_kgco2e_high END) AS inference_kgco2e_market_high,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN energy_kwh_low END) AS other_energy_kwh_low,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN energy_kwh_high END) AS other_energy_kwh_high,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN facility_energy_kwh_low END) AS other_facility_energy_kwh_low,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN facility_energy_kwh_high END) AS other_facility_energy_kwh_high,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN location_kgco2e_low END) AS other_kgco2e_location_low,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN location_kgco2e_high END) AS other_kgco2e_location_high,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN market_kgco2e_low END) AS other_kgco2e_market_low,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN market_kgco2e_high END) AS other_kgco2e_market_high,
        fp_sum(measured_energy_kwh) AS measured_energy_kwh,
        fp_sum(energy_kwh) AS energy_kwh,
        sum(items) AS items,
        sum(unestimated_items) AS unestimated_items,
        min(day) AS first_day,
        max(day) AS last_day
    FROM e GROUP BY model
),
reqs AS (SELECT model, fp_sum(requests) AS requests, fp_sum(tokens) AS tokens FROM req_day GROUP BY model),
matched AS (
    SELECT model, fp_sum(requests) AS requests, fp_sum(energy_kwh) AS energy_kwh,
        fp_sum(facility_energy_kwh) AS facility_energy_kwh, fp_sum(location_kgco2e) AS location_kgco2e,
        fp_sum(tokens) AS tokens, fp_sum(token_energy_kwh) AS token_energy_kwh,
        fp_sum(energy_kwh_low) AS energy_kwh_low, fp_sum(energy_kwh_high) AS energy_kwh_high,
        fp_sum(facility_energy_kwh_low) AS facility_energy_kwh_low,
        fp_sum(facility_energy_kwh_high) AS facility_energy_kwh_high,
        fp_sum(location_kgco2e_low) AS location_kgco2e_low, fp_sum(location_kgco2e_high) AS location_kgco2e_high
    FROM matched_day GROUP BY model
),
-- Lifetime (up to $until): cumulative training and inference facility energy day by day.
life_day AS (
    SELECT model, day,
        coalesce(fp_sum(CASE WHEN workload = 'training' THEN facility_energy_kwh END), 0) AS training_kwh,
        coalesce(fp_sum(CASE WHEN workload = 'inference' THEN facility_energy_kwh END), 0) AS inference_kwh
    FROM e_all GROUP BY ALL
),
cumulative AS (
    SELECT model, day,
        CAST(sum(CAST(training_kwh AS DECIMAL(38, 18))) OVER w AS DOUBLE) AS training_kwh,
        CAST(sum(CAST(inference_kwh AS DECIMAL(38, 18))) OVER w AS DOUBLE) AS inference_kwh
    FROM life_day
    WINDOW w AS (PARTITION BY model ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
crossing AS (
    SELECT model,
        arg_max(training_kwh, day) AS training_kwh,
        arg_max(inference_kwh, day) AS inference_kwh,
        max(day) FILTER (WHERE inference_kwh < training_kwh) AS last_behind
    FROM cumulative GROUP BY model
),
break_even AS (
    -- the first day after the last day inference was still behind, once there is training to recover
    SELECT x.model, x.training_kwh, x.inference_kwh,
        min(c.day) FILTER (WHERE c.training_kwh > 0 AND c.day > coalesce(x.last_behind, DATE '0001-01-01'))
            AS reached
    FROM crossing x JOIN cumulative c USING (model)
    GROUP BY ALL
),
as_of AS (SELECT max(day) AS day FROM e_all),
-- Serving rate: inference facility energy per day over the last $window_days days of data, or over the
-- days since serving began when that is shorter.
first_inference AS (SELECT model, min(day) AS day FROM e_all WHERE workload = 'inference' GROUP BY model),
serving_rate AS (
    SELECT x.model,
        fp_sum(x.facility_energy_kwh)
            / least(CAST($window_days AS DOUBLE), CAST(a.day - f.day + 1 AS DOUBLE)) AS kwh_per_day
    FROM e_all x
    CROSS JOIN as_of a
    JOIN first_inference f USING (model)
    WHERE x.workload = 'inference' AND x.day > a.day - CAST($window_days AS INTEGER)
    GROUP BY x.model, a.day, f.day
),
life_totals AS (
    SELECT model,
        fp_sum(CASE WHEN workload = 'training' THEN energy_kwh END) AS training_energy_kwh,
        fp_sum(CASE WHEN workload = 'training' THEN location_kgco2e END) AS training_kgco2e_location,
        fp_sum(CASE WHEN workload = 'training' THEN market_kgco2e END) AS training_kgco2e_market,
        fp_sum(CASE WHEN workload = 'training' THEN energy_kwh_low END) AS training_energy_kwh_low,
        fp_sum(CASE WHEN workload = 'training' THEN energy_kwh_high END) AS training_energy_kwh_high,
        fp_sum(CASE WHEN workload = 'training' THEN location_kgco2e_low END) AS training_kgco2e_location_low,
        fp_sum(CASE WHEN workload = 'training' THEN location_kgco2e_high END) AS training_kgco2e_location_high,
        fp_sum(CASE WHEN workload = 'training' THEN market_kgco2e_low END) AS training_kgco2e_market_low,
        fp_sum(CASE WHEN workload = 'training' THEN market_kgco2e_high END) AS training_kgco2e_market_high
    FROM e_all GROUP BY model
),
life_requests AS (SELECT model, fp_sum(requests) AS requests FROM r_all GROUP BY model),
keys AS (SELECT model FROM totals UNION SELECT model FROM reqs)
SELECT
    k.model,
    coalesce(t.training_energy_kwh, 0) AS training_energy_kwh,
    coalesce(t.training_facility_energy_kwh, 0) AS training_facility_energy_kwh,
    coalesce(t.fine_tuning_energy_kwh, 0) AS fine_tuning_energy_kwh,
    coalesce(t.inference_energy_kwh, 0) AS inference_energy_kwh,
    coalesce(t.inference_facility_energy_kwh, 0) AS inference_facility_energy_kwh,
    coalesce(t.other_energy_kwh, 0) AS other_energy_kwh,
    coalesce(t.other_facility_energy_kwh, 0) AS other_facility_energy_kwh,
    coalesce(t.training_kgco2e_location, 0) AS training_kgco2e_location,
    coalesce(t.inference_kgco2e_location, 0) AS inference_kgco2e_location,
    coalesce(t.other_kgco2e_location, 0) AS other_kgco2e_location,
    coalesce(t.training_kgco2e_market, 0) AS training_kgco2e_market,
    coalesce(t.inference_kgco2e_market, 0) AS inference_kgco2e_market,
    coalesce(t.other_kgco2e_market, 0) AS other_kgco2e_market,
    coalesce(t.training_energy_kwh_low, 0) AS training_energy_kwh_low,
    coalesce(t.training_energy_kwh_high, 0) AS training_energy_kwh_high,
    coalesce(t.training_facility_energy_kwh_low, 0) AS training_facility_energy_kwh_low,
    coalesce(t.training_facility_energy_kwh_high, 0) AS training_facility_energy_kwh_high,
    coalesce(t.training_kgco2e_location_low, 0) AS training_kgco2e_location_low,
    coalesce(t.training_kgco2e_location_high, 0) AS training_kgco2e_location_high,
    coalesce(t.training_kgco2e_market_low, 0) AS training_kgco2e_market_low,
    coalesce(t.training_kgco2e_market_high, 0) AS training_kgco2e_market_high,
    coalesce(t.inference_energy_kwh_low, 0) AS inference_energy_kwh_low,
    coalesce(t.inference_energy_kwh_high, 0) AS inference_energy_kwh_high,
    coalesce(t.inference_facility_energy_kwh_low, 0) AS inference_facility_energy_kwh_low,
    coalesce(t.inference_facility_energy_kwh_high, 0) AS inference_facility_energy_kwh_high,
    coalesce(t.inference_kgco2e_location_low, 0) AS inference_kgco2e_location_low,
    coalesce(t.inference_kgco2e_location_high, 0) AS inference_kgco2e_location_high,
    coalesce(t.inference_kgco2e_market_low, 0) AS inference_kgco2e_market_low,
    coalesce(t.inference_kgco2e_market_high, 0) AS inference_kgco2e_market_high,
    coalesce(t.other_energy_kwh_low, 0) AS other_energy_kwh_low,
    coalesce(t.other_energy_kwh_high, 0) AS other_energy_kwh_high,
    coalesce(t.other_facility_energy_kwh_low, 0) AS other_facility_energy_kwh_low,
    coalesce(t.other_facility_energy_kwh_high, 0) AS other_facility_energy_kwh_high,
    coalesce(t.other_kgco2e_location_low, 0) AS other_kgco2e_location_low,
    coalesce(t.other_kgco2e_location_high, 0) AS other_kgco2e_location_high,
    coalesce(t.other_kgco2e_market_low, 0) AS other_kgco2e_market_low,
    coalesce(t.other_kgco2e_market_high, 0) AS other_kgco2e_market_high,
    t.measured_energy_kwh / nullif(t.energy_kwh, 0) AS measured_share,
    coalesce(t.items, 0) AS items,
    coalesce(t.unestimated_items, 0) AS unestimated_items,
    coalesce(q.requests, 0) AS requests,
    q.tokens,
    m.energy_kwh / nullif(m.requests, 0) * 1000 AS energy_kwh_per_1k_inferences,
    m.facility_energy_kwh / nullif(m.requests, 0) * 1000 AS facility_energy_kwh_per_1k_inferences,
    m.token_energy_kwh / nullif(m.tokens, 0) * 1e6 AS energy_kwh_per_1m_tokens,
    m.requests / nullif(q.requests, 0) AS requests_matched_share,
    m.energy_kwh / nullif(t.inference_energy_kwh, 0) AS inference_energy_matched_share,
    m.location_kgco2e / nullif(m.requests, 0) * 1000 AS sci_kgco2e_per_1k_requests,
    m.energy_kwh_low / nullif(m.requests, 0) * 1000 AS energy_kwh_per_1k_inferences_low,
    m.energy_kwh_high / nullif(m.requests, 0) * 1000 AS energy_kwh_per_1k_inferences_high,
    m.facility_energy_kwh_low / nullif(m.requests, 0) * 1000 AS facility_energy_kwh_per_1k_inferences_low,
    m.facility_energy_kwh_high / nullif(m.requests, 0) * 1000 AS facility_energy_kwh_per_1k_inferences_high,
    m.location_kgco2e_low / nullif(m.requests, 0) * 1000 AS sci_kgco2e_per_1k_requests_low,
    m.location_kgco2e_high / nullif(m.requests, 0) * 1000 AS sci_kgco2e_per_1k_requests_high,
    b.training_kwh AS cumulative_training_facility_energy_kwh,
    b.inference_kwh AS cumulative_inference_facility_energy_kwh,
    CASE WHEN coalesce(b.training_kwh, 0) > 0 AND b.inference_kwh >= b.training_kwh THEN b.reached END AS break_even,
    CASE WHEN coalesce(b.training_kwh, 0) > 0 AND b.inference_kwh < b.training_kwh AND s.kwh_per_day > 0
         THEN (SELECT day FROM as_of) + CAST(ceil((b.training_kwh - b.inference_kwh) / s.kwh_per_day) AS INTEGER)
    END AS break_even_projected,
    CASE WHEN coalesce(b.training_kwh, 0) = 0 THEN 'no_training'
         WHEN b.inference_kwh >= b.training_kwh THEN 'reached'
         WHEN s.kwh_per_day > 0 THEN 'projected'
         ELSE 'not_serving' END AS break_even_status,
    s.kwh_per_day AS serving_facility_energy_kwh_per_day,
    lt.training_energy_kwh / nullif(lr.requests, 0) * 1000 AS amortised_training_energy_kwh_per_1k_inferences,
    lt.training_kgco2e_location / nullif(lr.requests, 0) * 1000 AS amortised_training_kgco2e_location_per_1k_inferences,
    lt.training_kgco2e_market / nullif(lr.requests, 0) * 1000 AS amortised_training_kgco2e_market_per_1k_inferences,
    lt.training_energy_kwh_low / nullif(lr.requests, 0) * 1000 AS amortised_training_energy_kwh_per_1k_inferences_low,
    lt.training_energy_kwh_high / nullif(lr.requests, 0) * 1000 AS amortised_training_energy_kwh_per_1k_inferences_high,
    lt.training_kgco2e_location_low / nullif(lr.requests, 0) * 1000 AS amortised_training_kgco2e_location_per_1k_inferences_low,
    lt.training_kgco2e_location_high / nullif(lr.requests, 0) * 1000 AS amortised_training_kgco2e_location_per_1k_inferences_high,
    lt.training_kgco2e_market_low / nullif(lr.requests, 0) * 1000 AS amortised_training_kgco2e_market_per_1k_inferences_low,
    lt.training_kgco2e_market_high / nullif(lr.requests, 0) * 1000 AS amortised_training_kgco2e_market_per_1k_inferences_high,
    coalesce(lr.requests, 0) AS requests_to_date,
    t.first_day,
    t.last_day
FROM keys k
LEFT JOIN totals t USING (model)
LEFT JOIN reqs q USING (model)
LEFT JOIN matched m USING (model)
LEFT JOIN break_even b USING (model)
LEFT JOIN serving_rate s USING (model)
LEFT JOIN life_totals lt USING (model)
LEFT JOIN life_requests lr USING (model)
ORDER BY coalesce(t.training_facility_energy_kwh, 0) + coalesce(t.inference_facility_energy_kwh, 0)
         + coalesce(t.other_facility_energy_kwh, 0) DESC, k.model
