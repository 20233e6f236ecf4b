-- One row per UTC day and combination of every filterable dimension and billing currency, with the sum of
-- every additive metric of footprint/metrics.py (the placeholder below is filled from METRICS in code) and the billed
-- cost. Pages filter and group this table exactly as summary() filters and groups v_footprint: filters
-- are whole days, so a day grain loses nothing. Sorted by day so date filters skip row groups.
CREATE OR REPLACE TABLE agg_footprint_day AS
SELECT
    CAST(charge_period_start AS DATE) AS charge_day,
    provider,
    region_id,
    service_name,
    team,
    model,
    workload,
    accelerator_model,
    billing_currency,
    {metrics},
    count(*) AS footprint_rows,  -- billing line items and telemetry activity: whether a scope holds anything
    sum(billed_cost) AS billed_cost
FROM v_footprint
GROUP BY ALL
ORDER BY charge_day;
