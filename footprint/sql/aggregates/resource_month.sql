-- agg_resource_day rolled up to calendar months, for top resources over whole months (or all data).
CREATE OR REPLACE TABLE agg_resource_month AS
SELECT
    CAST(date_trunc('month', charge_day) AS DATE) AS charge_month,
    provider, region_id, service_name, team, model, workload, accelerator_model, resource_id, billing_currency,
    {metric_sums},
    sum(billed_cost) AS billed_cost
FROM agg_resource_day
GROUP BY ALL
ORDER BY charge_month;
