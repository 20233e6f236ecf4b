-- One row per UTC day, resource and billing currency (with the filterable dimensions the resource had
-- that day): the team dashboards' top resources. Rows without a resource id are summed under NULL.
CREATE OR REPLACE TABLE agg_resource_day AS
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
    {metrics},
    sum(billed_cost) AS billed_cost
FROM v_footprint
GROUP BY ALL
ORDER BY charge_day;
