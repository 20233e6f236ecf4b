-- Per model and period ($grain: 'day' or 'month'): training, inference and other footprint, requests,
-- the per-request ratios and the cumulative training and inference facility energy since the first day
-- of data. Continues filtered.sql.
,
periods AS (
    SELECT DISTINCT day,
        CASE WHEN $grain = 'month' THEN CAST(date_trunc('month', day) AS DATE) ELSE day END AS period_start
    FROM (SELECT day FROM e_all UNION SELECT day FROM r_all)
),
energy AS (
    SELECT p.period_start, x.model,
        fp_sum(CASE WHEN workload = 'training' THEN energy_kwh END) AS training_energy_kwh,
        fp_sum(CASE WHEN workload = 'training' THEN facility_energy_kwh END) AS training_facility_energy_kwh,
        fp_sum(CASE WHEN workload = 'training' THEN measured_energy_kwh END) AS training_measured_energy_kwh,
        fp_sum(CASE WHEN workload = 'training' THEN location_kgco2e END) AS training_kgco2e_location,
        fp_sum(CASE WHEN workload = 'training' THEN market_kgco2e END) AS training_kgco2e_market,
        fp_sum(CASE WHEN workload = 'inference' THEN energy_kwh END) AS inference_energy_kwh,
        fp_sum(CASE WHEN workload = 'inference' THEN facility_energy_kwh END) AS inference_facility_energy_kwh,
        fp_sum(CASE WHEN workload = 'inference' THEN measured_energy_kwh END) AS inference_measured_energy_kwh,
        fp_sum(CASE WHEN workload = 'inference' THEN location_kgco2e END) AS inference_kgco2e_location,
        fp_sum(CASE WHEN workload = 'inference' THEN market_kgco2e END) AS inference_kgco2e_market,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN energy_kwh END) AS other_energy_kwh,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN facility_energy_kwh END) AS other_facility_energy_kwh,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN location_kgco2e END) AS other_kgco2e_location,
        fp_sum(CASE WHEN workload NOT IN ('training', 'inference') THEN market_kgco2e END) AS other_kgco2e_market,
        fp_sum(measured_energy_kwh) AS measured_energy_kwh,
        fp_sum(energy_kwh) AS energy_kwh
    FROM e x JOIN periods p USING (day)
    GROUP BY ALL
),
reqs AS (
    SELECT p.period_start, q.model, fp_sum(q.requests) AS requests, fp_sum(q.tokens) AS tokens
    FROM req_day q JOIN periods p USING (day)
    GROUP BY ALL
),
matched AS (
    SELECT p.period_start, m.model,
        fp_sum(m.requests) AS requests, fp_sum(m.energy_kwh) AS energy_kwh, fp_sum(m.location_kgco2e) AS location_kgco2e,
        fp_sum(m.tokens) AS tokens, fp_sum(m.token_energy_kwh) AS token_energy_kwh
    FROM matched_day m JOIN periods p USING (day)
    GROUP BY ALL
),
-- Cumulative figures run from the first day of data (not from $since) to the end of each period.
lifetime_energy AS (
    SELECT period_start, model,
        fp_sum(CASE WHEN workload = 'training' THEN facility_energy_kwh END) AS training_facility_energy_kwh,
        fp_sum(CASE WHEN workload = 'inference' THEN facility_energy_kwh END) AS inference_facility_energy_kwh
    FROM e_all JOIN periods USING (day)
    GROUP BY ALL
),
lifetime_requests AS (
    SELECT period_start, model, fp_sum(requests) AS requests FROM r_all JOIN periods USING (day) GROUP BY ALL
),
lifetime AS (
    SELECT period_start, model,
        CAST(sum(CAST(coalesce(le.training_facility_energy_kwh, 0) AS DECIMAL(38, 18))) OVER w AS DOUBLE) AS cumulative_training_facility_energy_kwh,
        CAST(sum(CAST(coalesce(le.inference_facility_energy_kwh, 0) AS DECIMAL(38, 18))) OVER w AS DOUBLE) AS cumulative_inference_facility_energy_kwh,
        CAST(sum(CAST(coalesce(lr.requests, 0) AS DECIMAL(38, 18))) OVER w AS DOUBLE) AS cumulative_requests
    FROM (SELECT period_start, model FROM lifetime_energy UNION SELECT period_start, model FROM lifetime_requests) k
    LEFT JOIN lifetime_energy le USING (period_start, model)
    LEFT JOIN lifetime_requests lr USING (period_start, model)
    WINDOW w AS (PARTITION BY model ORDER BY period_start ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
keys AS (SELECT period_start, model FROM energy UNION SELECT period_start, model FROM reqs)
SELECT
    CAST($grain AS VARCHAR) AS grain,
    k.period_start,
    k.model,
    coalesce(en.training_energy_kwh, 0) AS training_energy_kwh,
    coalesce(en.training_facility_energy_kwh, 0) AS training_facility_energy_kwh,
    coalesce(en.training_measured_energy_kwh, 0) AS training_measured_energy_kwh,
    coalesce(en.training_kgco2e_location, 0) AS training_kgco2e_location,
    coalesce(en.training_kgco2e_market, 0) AS training_kgco2e_market,
    coalesce(en.inference_energy_kwh, 0) AS inference_energy_kwh,
    coalesce(en.inference_facility_energy_kwh, 0) AS inference_facility_energy_kwh,
    coalesce(en.inference_measured_energy_kwh, 0) AS inference_measured_energy_kwh,
    coalesce(en.inference_kgco2e_location, 0) AS inference_kgco2e_location,
    coalesce(en.inference_kgco2e_market, 0) AS inference_kgco2e_market,
    coalesce(en.other_energy_kwh, 0) AS other_energy_kwh,
    coalesce(en.other_facility_energy_kwh, 0) AS other_facility_energy_kwh,
    coalesce(en.other_kgco2e_location, 0) AS other_kgco2e_location,
    coalesce(en.other_kgco2e_market, 0) AS other_kgco2e_market,
    en.measured_energy_kwh / nullif(en.energy_kwh, 0) AS measured_share,
    coalesce(q.requests, 0) AS requests,
    q.tokens,
    m.energy_kwh / nullif(m.requests, 0) * 1000 AS energy_kwh_per_1k_inferences,
    m.token_energy_kwh / nullif(m.tokens, 0) * 1e6 AS energy_kwh_per_1m_tokens,
    m.location_kgco2e / nullif(m.requests, 0) * 1000 AS sci_kgco2e_per_1k_requests,
    lt.cumulative_training_facility_energy_kwh,
    lt.cumulative_inference_facility_energy_kwh,
    lt.cumulative_requests
FROM keys k
LEFT JOIN energy en USING (period_start, model)
LEFT JOIN reqs q USING (period_start, model)
LEFT JOIN matched m USING (period_start, model)
JOIN lifetime lt USING (period_start, model)
ORDER BY k.model, k.period_start
