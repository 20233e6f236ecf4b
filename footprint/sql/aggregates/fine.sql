-- The finest grain two dashboard tables share: per UTC day, filterable dimensions, resource and billing
-- currency, every additive metric of footprint/metrics.py summed exactly ({exact_metrics}: DECIMAL sums and
-- counts, filled in code), the row count and the billed cost. agg_resource_day and agg_footprint_day are
-- read off it, so the line items are summed once, and exact sums make both independent of the order
-- threads add in. {where} limits the days (all of them in a full refresh).
CREATE OR REPLACE TEMP TABLE _agg_fine AS
SELECT
    CAST(charge_period_start AS DATE) AS charge_day,
    provider,
    region_id,
    service_name,
    team,
    model,
    workload,
    accelerator_model,
    resource_id,
    billing_currency,
    {exact_metrics},
    count(*) AS footprint_rows,
    sum(billed_cost) AS billed_cost
FROM v_footprint
WHERE {where}
GROUP BY ALL
