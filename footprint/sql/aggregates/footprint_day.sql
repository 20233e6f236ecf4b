-- One row per UTC day and combination of every filterable dimension and billing currency, with the sum of
-- every additive metric of footprint/metrics.py ({day_metrics}, filled in code, re-adds the exact sums of
-- _agg_fine, fine.sql), the row count and the billed cost. Pages filter and group this table exactly as
-- summary() filters and groups v_footprint: filters are whole days, so a day grain loses nothing.
SELECT
    charge_day,
    provider,
    region_id,
    service_name,
    team,
    model,
    workload,
    accelerator_model,
    billing_currency,
    {day_metrics},
    CAST(sum(footprint_rows) AS BIGINT) AS footprint_rows,  -- billing line items and telemetry activity
    sum(billed_cost) AS billed_cost
FROM _agg_fine
GROUP BY ALL
