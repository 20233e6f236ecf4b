-- How the figures were made, per UTC day and filterable dimensions: the estimation method, the PUE and its
-- source, the location-based factor (zone, value, source, year, fallback) and the market-based method,
-- with the energy and emissions each combination covers. The Energy & PUE, Emissions and Methodology
-- pages read it. A factor that varies by the hour (user-supplied hourly factors) or by row (market-based
-- after instruments) is not a grouping key: pages show the effective factor, emissions / facility energy.
-- Likewise the share of a row each instrument covered ('GO-SE-1 (eac, 62.5%)') varies by row: it is
-- dropped from instrument_ids and market_factor_source here, keeping which instruments applied, and the
-- energy they covered is summed in instrument_covered_kwh.
CREATE OR REPLACE TABLE agg_provenance_day AS
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
    method,
    scope_label,
    pue,
    pue_source,
    pue_year,
    grid_zone,
    location_factor_zone,
    CASE WHEN location_hourly THEN NULL ELSE location_factor_g_per_kwh END AS location_factor_g_per_kwh,
    location_factor_source,
    location_factor_basis,
    location_factor_year,
    location_factor_fallback,
    location_hourly,
    market_method,
    regexp_replace(market_factor_source, ' \([a-z_]+, [0-9.]+%\)', '', 'g') AS market_factor_source,
    regexp_replace(instrument_ids, ' \([a-z_]+, [0-9.]+%\)', '', 'g') AS instrument_ids,
    count(*) AS footprint_rows,  -- billing line items and telemetry activity
    sum(energy_kwh) AS energy_kwh,
    sum(measured_energy_kwh) AS measured_energy_kwh,
    sum(facility_energy_kwh) AS facility_energy_kwh,
    sum(facility_energy_kwh * instrument_share) AS instrument_covered_kwh,
    sum(location_kgco2e) AS location_kgco2e,
    sum(market_kgco2e) AS market_kgco2e,
    sum(spend_based_energy_kwh) AS spend_based_energy_kwh,
    sum(usage_cost) AS usage_cost,
    sum(estimated_usage_cost) AS estimated_usage_cost,
    sum(billed_cost) AS billed_cost
FROM v_footprint
GROUP BY ALL
ORDER BY charge_day;
