-- The PUE values, location-based factors and market-based methods behind a filtered figure, with the
-- energy and emissions each one carries and its source. {where}: see provenance_rows.sql.
SELECT
    pue, pue_source, grid_zone, location_factor_zone, location_factor_g_per_kwh, location_factor_source,
    location_factor_basis, location_factor_year, location_factor_fallback, location_hourly, market_method,
    market_factor_source,
    count(*) AS line_items,
    sum(energy_kwh) AS energy_kwh,
    sum(facility_energy_kwh) AS facility_energy_kwh,
    sum(location_kgco2e) AS location_kgco2e,
    sum(market_kgco2e) AS market_kgco2e
FROM v_footprint
WHERE ({where}) AND facility_energy_kwh IS NOT NULL
GROUP BY ALL
ORDER BY facility_energy_kwh DESC NULLS LAST
