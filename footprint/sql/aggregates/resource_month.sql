-- agg_resource_day rolled up to calendar months, for top resources over whole months (or all data).
-- {where} limits the months (all of them in a full refresh).
SELECT
    CAST(date_trunc('month', charge_day) AS DATE) AS charge_month,
    provider, region_id, service_name, team, model, workload, accelerator_model, resource_id, billing_currency,
    {month_metrics},
    sum(billed_cost) AS billed_cost
FROM agg_resource_day
WHERE {where}
GROUP BY ALL
