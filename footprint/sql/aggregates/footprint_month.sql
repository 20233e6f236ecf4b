-- agg_footprint_day rolled up to calendar months: what a page reads when its dates are whole months (or
-- all data) and it needs no finer grain than a month, about thirty times fewer rows. Same dimensions and
-- metric columns ({month_metrics}, filled in code, re-adds each of them exactly by name). {where} limits
-- the months (all of them in a full refresh).
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
    {month_metrics},
    sum(footprint_rows) AS footprint_rows,
    sum(billed_cost) AS billed_cost
FROM agg_footprint_day
WHERE {where}
GROUP BY ALL
