-- The second half of both statements of 20_items.sql (pasted in for @@emissions@@): facility energy (IT x
-- PUE), the location-based factor and emissions, the market-based factor and emissions before any
-- contractual instrument, scope label and methodology version, over the rows of the CTE `it`.
-- A telemetry source that had already applied a PUE of unknown value keeps its energy as facility energy
-- (PUE 1 applied here) so no PUE is ever applied twice.
SELECT * EXCLUDE (remainder_method, remainder_factor, remainder_source),
    fp_co2e_kg(facility_energy_kwh_low, location_factor_g_per_kwh) AS location_kgco2e_low,
    fp_co2e_kg(facility_energy_kwh, location_factor_g_per_kwh) AS location_kgco2e,
    fp_co2e_kg(facility_energy_kwh_high, location_factor_g_per_kwh) AS location_kgco2e_high,
    CASE WHEN facility_energy_kwh IS NOT NULL THEN fp_market_method(0.0, remainder_method) END AS market_method,
    CASE WHEN facility_energy_kwh IS NOT NULL THEN fp_market_factor(0.0, 0.0, remainder_factor) END
        AS market_factor_g_per_kwh,
    CASE WHEN facility_energy_kwh IS NOT NULL THEN fp_market_source(0.0, NULL, remainder_source) END
        AS market_factor_source,
    fp_co2e_kg(facility_energy_kwh_low, market_factor_g_per_kwh) AS market_kgco2e_low,
    fp_co2e_kg(facility_energy_kwh, market_factor_g_per_kwh) AS market_kgco2e,
    fp_co2e_kg(facility_energy_kwh_high, market_factor_g_per_kwh) AS market_kgco2e_high
FROM (
    SELECT j.* EXCLUDE (pue_included, pue_in_source, applied_pue, hourly, h_basis, h_year, l_basis, l_year, l_fallback, l_zone, loc_factor,
                        loc_source, p_source, p_year, mk_has_claim, mk_claimed_share, mk_claim_source,
                        mk_claim_year, mk_claim_type, mk_has_residual, mk_residual_factor, mk_residual_batch,
                        mk_residual_row, mk_residual_source, mk_residual_year),
        applied_pue AS pue,
        CASE WHEN pue_included AND pue_in_source IS NULL
             THEN 'included in the measured energy by the source (value not reported)'
             WHEN pue_included THEN p_source || '; source PUE ' || pue_in_source || ' divided out'
             ELSE p_source END AS pue_source,
        CASE WHEN pue_included AND pue_in_source IS NULL THEN NULL ELSE p_year END AS pue_year,
        fp_facility_kwh(energy_kwh_low, applied_pue) AS facility_energy_kwh_low,
        fp_facility_kwh(energy_kwh, applied_pue) AS facility_energy_kwh,
        fp_facility_kwh(energy_kwh_high, applied_pue) AS facility_energy_kwh_high,
        hourly AS location_hourly,
        loc_factor AS location_factor_g_per_kwh,
        CASE WHEN hourly THEN 'hourly:' || grid_zone ELSE l_zone END AS location_factor_zone,
        loc_source AS location_factor_source,
        CASE WHEN hourly THEN h_basis ELSE l_basis END AS location_factor_basis,
        CASE WHEN hourly THEN h_year ELSE l_year END AS location_factor_year,
        CASE WHEN hourly THEN 'hourly' ELSE l_fallback END AS location_factor_fallback,
        0.0 AS instrument_share,
        CAST(NULL AS VARCHAR) AS instrument_ids,
        fp_remainder_method(mk_has_claim, mk_has_residual) AS remainder_method,
        fp_remainder_factor(mk_has_claim, mk_claimed_share, mk_has_residual, mk_residual_factor, loc_factor)
            AS remainder_factor,
        fp_remainder_source(mk_has_claim, mk_claim_source, mk_claim_year, mk_claimed_share, mk_claim_type,
                            mk_has_residual, mk_residual_batch, mk_residual_row, mk_residual_source,
                            mk_residual_year, grid_zone, loc_source) AS remainder_source,
        CAST(NULL AS DOUBLE) AS spend_based_energy_kwh,
        CAST(NULL AS VARCHAR) AS spend_based_basis,
        CAST(NULL AS DOUBLE) AS spend_based_location_kgco2e,
        CASE WHEN provider = 'onprem' THEN 'scope2' ELSE $scope END AS scope_label,
        $methodology_version AS methodology_version
    FROM (
        SELECT it.* EXCLUDE (country_hint),
            CASE WHEN it.pue_included AND it.pue_in_source IS NULL THEN 1.0 ELSE p.pue END AS applied_pue,
            p.pue_source AS p_source, p.pue_year AS p_year,
            l.grid_zone, l.country_iso2, l.zone AS l_zone, l.basis AS l_basis, l.year AS l_year,
            l.fallback AS l_fallback,
            h.item_id IS NOT NULL AS hourly, h.basis AS h_basis, h.year AS h_year,
            CASE WHEN h.item_id IS NOT NULL THEN h.intensity_g_per_kwh ELSE l.factor END AS loc_factor,
            CASE WHEN h.item_id IS NOT NULL THEN 'input_hourly_factors (' || h.source || ')' ELSE l.source END
                AS loc_source,
            mk.has_claim AS mk_has_claim, mk.claimed_share AS mk_claimed_share, mk.claim_source AS mk_claim_source,
            mk.claim_year AS mk_claim_year, mk.claim_type AS mk_claim_type, mk.has_residual AS mk_has_residual,
            mk.residual_factor AS mk_residual_factor, mk.residual_batch AS mk_residual_batch,
            mk.residual_row AS mk_residual_row, mk.residual_source AS mk_residual_source,
            mk.residual_year AS mk_residual_year
        FROM it
        JOIN _fp_pue p
          ON p.provider = it.provider AND p.region_id IS NOT DISTINCT FROM it.region_id
         AND p.usage_year = it.usage_year
        JOIN _fp_loc l
          ON l.provider = it.provider AND l.region_id IS NOT DISTINCT FROM it.region_id
         AND l.country_hint IS NOT DISTINCT FROM it.country_hint AND l.usage_year = it.usage_year
        JOIN _fp_mkey mk
          ON mk.provider = it.provider AND mk.region_id IS NOT DISTINCT FROM it.region_id
         AND mk.grid_zone IS NOT DISTINCT FROM l.grid_zone AND mk.usage_year = it.usage_year
        LEFT JOIN _fp_hourly h ON h.item_id = it.item_id
    ) j
) e
