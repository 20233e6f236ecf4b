-- Usage that no coefficient covers, per UTC day, filterable dimensions and what was bought (usage type,
-- unit, reason): the "unknown SKUs" list of the data-quality page, with the cost each one carries, so a
-- user knows what to map first. Only rows that carry usage (purchases, credits and tax are not usage).
-- {where} limits the days (all of them in a full refresh).
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
    usage_type,
    usage_unit,
    method,
    not_modelled_reason,
    count(*) AS line_items,
    sum(usage_cost) AS usage_cost,
    sum(billed_cost) AS billed_cost,
    fp_sum(spend_based_energy_kwh) AS spend_based_energy_kwh
FROM v_footprint
WHERE carries_usage AND method IN ('spend_based', 'none') AND {where}
GROUP BY ALL
