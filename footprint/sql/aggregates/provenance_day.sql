-- How the figures were made, per UTC day and filterable dimensions: the estimation method, the PUE and its
-- source, the location-based factor (zone, value, source, year, fallback) and the market-based method,
-- with the energy and emissions each combination covers. The Energy & PUE, Emissions and Methodology
-- pages read it. A factor that varies by the hour (user-supplied hourly factors) or by row (market-based
-- after instruments) is not a grouping key: pages show the effective factor, emissions / facility energy.
-- Likewise the share of a row each instrument covered ('GO-SE-1 (eac, 62.5%)') varies by row: it is
-- dropped from instrument_ids and market_factor_source here, keeping which instruments applied, and the
-- energy they covered is summed in instrument_covered_kwh. Rows are summed exactly per raw value first,
-- then the per-row shares are cut from the few distinct texts. {where} limits the days (all of them in a
-- full refresh).
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
    CAST(sum(footprint_rows) AS BIGINT) AS footprint_rows,  -- billing line items and telemetry activity
    CAST(sum(energy_kwh) AS DOUBLE) AS energy_kwh,
    CAST(sum(measured_energy_kwh) AS DOUBLE) AS measured_energy_kwh,
    CAST(sum(facility_energy_kwh) AS DOUBLE) AS facility_energy_kwh,
    CAST(sum(instrument_covered_kwh) AS DOUBLE) AS instrument_covered_kwh,
    CAST(sum(location_kgco2e) AS DOUBLE) AS location_kgco2e,
    CAST(sum(market_kgco2e) AS DOUBLE) AS market_kgco2e,
    CAST(sum(spend_based_energy_kwh) AS DOUBLE) AS spend_based_energy_kwh,
    sum(usage_cost) AS usage_cost,
    sum(estimated_usage_cost) AS estimated_usage_cost,
    sum(billed_cost) AS billed_cost
FROM (
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
        location_factor_g_per_kwh,
        location_factor_source,
        location_factor_basis,
        location_factor_year,
        location_factor_fallback,
        location_hourly,
        market_method,
        market_factor_source,
        instrument_ids,
        count(*) AS footprint_rows,
        sum(CAST(energy_kwh AS DECIMAL(38, 18))) AS energy_kwh,
        sum(CAST(measured_energy_kwh AS DECIMAL(38, 18))) AS measured_energy_kwh,
        sum(CAST(facility_energy_kwh AS DECIMAL(38, 18))) AS facility_energy_kwh,
        sum(CAST(facility_energy_kwh * instrument_share AS DECIMAL(38, 18))) AS instrument_covered_kwh,
        sum(CAST(location_kgco2e AS DECIMAL(38, 18))) AS location_kgco2e,
        sum(CAST(market_kgco2e AS DECIMAL(38, 18))) AS market_kgco2e,
        sum(CAST(spend_based_energy_kwh AS DECIMAL(38, 18))) AS spend_based_energy_kwh,
        sum(usage_cost) AS usage_cost,
        sum(estimated_usage_cost) AS estimated_usage_cost,
        sum(billed_cost) AS billed_cost
    FROM v_footprint
    WHERE {where}
    GROUP BY ALL
)
GROUP BY ALL
