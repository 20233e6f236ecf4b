-- agg_footprint_day rolled up to calendar months: what a page reads when its dates are whole months (or
-- all data) and it needs no finer grain than a month, about thirty times fewer rows. Same dimensions and
-- metric columns (the placeholder below re-sums each of them by name).
CREATE OR REPLACE TABLE agg_footprint_month AS
SELECT
    CAST(date_trunc('month', charge_day) AS DATE) AS charge_month,
    provider,
    region_id,
    service_name,
    team,
    model,
    workload,
    accelerator_model,
    billing_currency,
    {metric_sums},
    sum(footprint_rows) AS footprint_rows,
    sum(billed_cost) AS billed_cost
FROM agg_footprint_day
GROUP BY ALL
ORDER BY charge_month;
