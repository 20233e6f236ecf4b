-- agg_provenance_day rolled up to calendar months, for pages whose dates are whole months (or all data):
-- the same keys and sums (re-added exactly), about thirty times fewer rows. {where} limits the months.
SELECT
    CAST(date_trunc('month', charge_day) AS DATE) AS charge_month,
    provider, region_id, service_name, team, model, workload, accelerator_model, billing_currency,
    method, scope_label, pue, pue_source, pue_year, grid_zone, location_factor_zone, location_factor_g_per_kwh,
    location_factor_source, location_factor_basis, location_factor_year, location_factor_fallback,
    location_hourly, market_method, market_factor_source, instrument_ids,
    sum(footprint_rows) AS footprint_rows,
    fp_sum(energy_kwh) AS energy_kwh,
    fp_sum(measured_energy_kwh) AS measured_energy_kwh,
    fp_sum(facility_energy_kwh) AS facility_energy_kwh,
    fp_sum(instrument_covered_kwh) AS instrument_covered_kwh,
    fp_sum(location_kgco2e) AS location_kgco2e,
    fp_sum(market_kgco2e) AS market_kgco2e,
    fp_sum(spend_based_energy_kwh) AS spend_based_energy_kwh,
    sum(usage_cost) AS usage_cost,
    sum(estimated_usage_cost) AS estimated_usage_cost,
    sum(billed_cost) AS billed_cost
FROM agg_provenance_day
WHERE {where}
GROUP BY ALL
