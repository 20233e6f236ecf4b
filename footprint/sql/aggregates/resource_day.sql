-- One row per UTC day, resource and billing currency (with the filterable dimensions the resource had
-- that day): the team dashboards' top resources. Rows without a resource id are summed under NULL.
-- {resource_metrics} (filled in code) writes the exact sums of _agg_fine (fine.sql) as the metric columns.
SELECT
    charge_day,
    provider,
    region_id,
    service_name,
    team,
    model,
    workload,
    accelerator_model,
    resource_id,
    billing_currency,
    {resource_metrics},
    billed_cost
FROM _agg_fine
