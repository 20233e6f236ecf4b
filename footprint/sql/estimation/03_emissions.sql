-- Step 3 of the estimation: facility energy (IT x PUE), the location-based factor of each row (hourly
-- where the user supplied a complete series, else annual with the documented fallbacks), and the
-- market-based factor per the GHG Protocol Scope 2 hierarchy. docs/methodology.md explains each rule.

-- Facility energy. A telemetry source that had already applied a PUE of unknown value keeps its energy
-- as facility energy (PUE 1 applied here) so no PUE is ever applied twice.
CREATE OR REPLACE TEMP TABLE _fp_fac AS
WITH p AS (
    SELECT
        u.item_id, u.energy_kwh_low, u.energy_kwh, u.energy_kwh_high,
        CASE WHEN u.pue_included AND u.pue_in_source IS NULL THEN 1.0 ELSE p.pue END AS applied_pue,
        CASE WHEN u.pue_included AND u.pue_in_source IS NULL
             THEN 'included in the measured energy by the source (value not reported)'
             WHEN u.pue_included THEN p.pue_source || '; source PUE ' || u.pue_in_source || ' divided out'
             ELSE p.pue_source END AS pue_source,
        CASE WHEN u.pue_included AND u.pue_in_source IS NULL THEN NULL ELSE p.pue_year END AS pue_year
    FROM _fp_usage u
    JOIN _fp_pue p
      ON p.provider = u.provider AND p.region_id IS NOT DISTINCT FROM u.region_id
     AND p.usage_year = year(u.charge_period_start)
)
SELECT
    item_id, applied_pue AS pue, pue_source, pue_year,
    fp_facility_kwh(energy_kwh_low, applied_pue) AS facility_energy_kwh_low,
    fp_facility_kwh(energy_kwh, applied_pue) AS facility_energy_kwh,
    fp_facility_kwh(energy_kwh_high, applied_pue) AS facility_energy_kwh_high
FROM p;

CREATE OR REPLACE TEMP TABLE _fp_world AS
SELECT y.usage_year, g.year, g.intensity_g_per_kwh, g.basis, g.source_id
FROM (SELECT DISTINCT usage_year FROM _fp_zone) y
JOIN ref_grid_factors g ON g.zone_type = 'world' AND g.year <= y.usage_year
QUALIFY row_number() OVER (PARTITION BY y.usage_year ORDER BY g.year DESC) = 1;

-- Location-based factor per row. Annual chain: the row's primary zone (Google region data for GCP,
-- eGRID subregion for US regions, country elsewhere) in the usage year or the nearest earlier year; then
-- the country; then the provider average; then the world average.
CREATE OR REPLACE TEMP TABLE _fp_location AS
WITH j AS (
    SELECT z.*,
           CASE WHEN z.provider = 'gcp' AND z.mapped THEN 1 WHEN z.egrid_subregion IS NOT NULL THEN 2 ELSE 3 END
               AS primary_level,
           h.item_id IS NOT NULL AS hourly,
           h.intensity_g_per_kwh AS h_factor, h.basis AS h_basis, h.source AS h_source, h.year AS h_year,
           b.level, b.zone_type, b.zone, b.year AS b_year, b.intensity_g_per_kwh AS b_factor,
           b.basis AS b_basis, b.source_id AS b_source,
           pa.intensity_g_per_kwh AS pa_factor, pa.regions AS pa_regions, pa.year AS pa_year, pa.basis AS pa_basis,
           w.intensity_g_per_kwh AS w_factor, w.year AS w_year, w.basis AS w_basis, w.source_id AS w_source
    FROM _fp_zone z
    LEFT JOIN _fp_hourly h USING (item_id)
    LEFT JOIN _fp_loc_best b
           ON b.provider = z.provider AND b.region_id IS NOT DISTINCT FROM z.region_id
          AND b.egrid_subregion IS NOT DISTINCT FROM z.egrid_subregion
          AND b.country_iso2 IS NOT DISTINCT FROM z.country_iso2
          AND b.usage_year = z.usage_year AND b.mapped = z.mapped
    LEFT JOIN _fp_provider_avg pa ON pa.provider = z.provider AND pa.usage_year = z.usage_year
    LEFT JOIN _fp_world w ON w.usage_year = z.usage_year
)
SELECT
    item_id, grid_zone, country_iso2,
    hourly AS location_hourly,
    CASE WHEN hourly THEN h_factor WHEN b_factor IS NOT NULL THEN b_factor
         WHEN pa_factor IS NOT NULL THEN pa_factor ELSE w_factor END AS location_factor_g_per_kwh,
    CASE WHEN hourly THEN 'hourly:' || grid_zone WHEN b_factor IS NOT NULL THEN zone_type || ':' || zone
         WHEN pa_factor IS NOT NULL THEN 'provider:' || provider ELSE 'world' END AS location_factor_zone,
    CASE WHEN hourly THEN 'input_hourly_factors (' || h_source || ')'
         WHEN b_factor IS NOT NULL THEN split_part(b_source, ';', 1) || ' ' || zone || ' ' || b_year
         WHEN pa_factor IS NOT NULL
             THEN 'mean of ' || pa_regions || ' ' || provider || ' regions (region '
                  || coalesce(region_id, 'not given') || ' not mapped)'
         ELSE w_source || ' WORLD ' || w_year END AS location_factor_source,
    CASE WHEN hourly THEN h_basis WHEN b_factor IS NOT NULL THEN b_basis
         WHEN pa_factor IS NOT NULL THEN pa_basis ELSE w_basis END AS location_factor_basis,
    CASE WHEN hourly THEN h_year WHEN b_factor IS NOT NULL THEN b_year
         WHEN pa_factor IS NOT NULL THEN pa_year ELSE w_year END AS location_factor_year,
    CASE WHEN hourly THEN 'hourly'
         WHEN b_factor IS NOT NULL AND level = primary_level
             THEN CASE WHEN b_year = usage_year THEN 'exact' ELSE 'earlier_year' END
         WHEN b_factor IS NOT NULL AND level = 2 THEN 'egrid_subregion'
         WHEN b_factor IS NOT NULL THEN 'country'
         WHEN pa_factor IS NOT NULL THEN 'provider_average'
         ELSE 'world_average' END AS location_factor_fallback
FROM j;

-- Market-based, step a: contractual instruments, applied in the GHG Protocol order (certificates, then
-- PPAs, then supplier-specific rates and green tariffs). A share-based instrument covers that share of
-- each eligible row; an MWh-based one is spread over its eligible rows pro rata to facility energy. A row
-- is never covered above 100 %: a later instrument only covers what earlier ones left.
CREATE OR REPLACE TEMP TABLE _fp_instruments AS
WITH items AS (
    SELECT f.item_id, f.facility_energy_kwh AS facility_kwh, u.provider, u.region_id, z.grid_zone,
           u.charge_period_start
    FROM _fp_fac f JOIN _fp_usage u USING (item_id) JOIN _fp_zone z USING (item_id)
    WHERE f.facility_energy_kwh IS NOT NULL
), elig AS (
    SELECT i.item_id, i.facility_kwh, ins.*,
           CASE ins.instrument_type WHEN 'eac' THEN 1 WHEN 'ppa' THEN 2 ELSE 3 END AS type_rank
    FROM items i
    JOIN input_instruments ins
      ON (ins.zone IS NULL OR ins.zone = i.grid_zone)
     AND (ins.provider IS NULL OR ins.provider = i.provider)
     AND (ins.region_id IS NULL OR ins.region_id = i.region_id)
     AND i.charge_period_start >= ins.period_start
     AND i.charge_period_start < ins.period_end + INTERVAL 1 DAY
), req AS (
    SELECT *,
           CASE WHEN covered_share IS NOT NULL THEN covered_share
                ELSE least(1.0, covered_mwh * 1000.0
                                / nullif(sum(facility_kwh) OVER (PARTITION BY batch_id, source_row), 0)) END
               AS requested
    FROM elig
), alloc AS (
    SELECT *,
           greatest(0.0, least(coalesce(requested, 0.0), 1.0 - coalesce(sum(requested) OVER (
               PARTITION BY item_id ORDER BY type_rank, instrument_id, batch_id, source_row
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0.0))) AS allocated
    FROM req
)
SELECT item_id,
       sum(allocated) AS instrument_share,
       sum(allocated * factor_g_per_kwh) AS instrument_factor_part,
       string_agg(instrument_id || ' (' || instrument_type || ', ' || round(allocated * 100, 2) || '%)', '; '
                  ORDER BY type_rank, instrument_id) FILTER (allocated > 0) AS instrument_ids
FROM alloc
GROUP BY item_id;

-- Market-based, step b: what is not covered takes the provider's renewable claim (only when the user
-- opted in, labelled), else the user's residual mix for the zone (usage year, else nearest earlier), else
-- the location-based factor as the disclosed last resort.
CREATE OR REPLACE TEMP TABLE _fp_market AS
WITH base AS (
    SELECT f.item_id, f.facility_energy_kwh, u.provider, u.region_id, z.grid_zone, z.usage_year,
           l.location_factor_g_per_kwh AS loc_factor, l.location_factor_source AS loc_source,
           coalesce(a.instrument_share, 0.0) AS instrument_share,
           coalesce(a.instrument_factor_part, 0.0) AS instrument_factor_part, a.instrument_ids
    FROM _fp_fac f
    JOIN _fp_usage u USING (item_id)
    JOIN _fp_zone z USING (item_id)
    JOIN _fp_location l USING (item_id)
    LEFT JOIN _fp_instruments a USING (item_id)
    WHERE f.facility_energy_kwh IS NOT NULL
), claims AS (
    SELECT b.item_id, c.claimed_share, c.claim_type, c.source_id, c.year
    FROM base b
    JOIN ref_provider_renewable_claims c
      ON $count_claims AND c.provider = b.provider
     AND (c.region_id IS NULL OR c.region_id = b.region_id) AND c.year <= b.usage_year
    QUALIFY row_number() OVER (PARTITION BY b.item_id ORDER BY c.region_id IS NULL, c.year DESC) = 1
), residual AS (
    SELECT b.item_id, r.factor_g_per_kwh, r.year, r.source, r.batch_id, r.source_row
    FROM base b
    JOIN input_residual_mix r ON r.zone = b.grid_zone AND r.year <= b.usage_year
    QUALIFY row_number() OVER (PARTITION BY b.item_id ORDER BY r.year DESC, r.batch_id DESC, r.source_row) = 1
), rem AS (
    SELECT b.*,
           CASE WHEN c.item_id IS NOT NULL THEN 'provider_claim'
                WHEN r.item_id IS NOT NULL THEN 'residual_mix'
                ELSE 'location_fallback' END AS remainder_method,
           CASE WHEN c.item_id IS NOT NULL THEN b.loc_factor * (1.0 - c.claimed_share)
                WHEN r.item_id IS NOT NULL THEN r.factor_g_per_kwh
                ELSE b.loc_factor END AS remainder_factor,
           CASE WHEN c.item_id IS NOT NULL
                    THEN 'provider claim (opted in): ' || c.source_id || ' ' || c.year || ', '
                         || round(c.claimed_share * 100, 1) || '% ' || c.claim_type || ', applied to ' || b.loc_source
                WHEN r.item_id IS NOT NULL
                    THEN 'input_residual_mix: batch ' || r.batch_id || ' row ' || r.source_row || ' (' || r.source
                         || ', ' || r.year || ')'
                ELSE 'no instrument or residual mix for ' || coalesce(b.grid_zone, 'unknown zone')
                     || ': location-based factor ' || b.loc_source END AS remainder_source
    FROM base b
    LEFT JOIN claims c USING (item_id)
    LEFT JOIN residual r USING (item_id)
)
SELECT
    item_id, instrument_share, instrument_ids,
    CASE WHEN instrument_share >= 1.0 - 1e-9 THEN 'instrument'
         WHEN instrument_share > 0 THEN 'instrument+' || remainder_method
         ELSE remainder_method END AS market_method,
    instrument_factor_part + (1.0 - instrument_share) * remainder_factor AS market_factor_g_per_kwh,
    CASE WHEN instrument_share >= 1.0 - 1e-9 THEN 'instruments: ' || instrument_ids
         WHEN instrument_share > 0 THEN 'instruments: ' || instrument_ids || '; remainder: ' || remainder_source
         ELSE remainder_source END AS market_factor_source
FROM rem;
