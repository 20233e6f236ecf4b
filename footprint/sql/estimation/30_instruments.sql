-- Step 3 of the estimation: contractual instruments (market-based Scope 2), applied in the GHG Protocol
-- order (certificates, then PPAs, then supplier-specific rates and green tariffs) to the items of the
-- temp view _fp_ins_items (every item in a full refresh; in an incremental one, the items of instruments
-- whose eligible energy changed). A share-based instrument covers that share of each eligible item; an
-- MWh-based one is spread over all its eligible items pro rata to facility energy (their total summed
-- exactly, over every item in footprint_items). An item is never covered above 100 %: a later instrument
-- only covers what earlier ones left. The market keys (_fp_mkey) come from mkey.sql, run before.

CREATE OR REPLACE TEMP TABLE _fp_ins_elig AS
SELECT f.item_id, f.facility_energy_kwh AS facility_kwh, ins.batch_id, ins.source_row, ins.instrument_id,
       ins.instrument_type, ins.covered_mwh, ins.covered_share, ins.factor_g_per_kwh,
       CASE ins.instrument_type WHEN 'eac' THEN 1 WHEN 'ppa' THEN 2 ELSE 3 END AS type_rank
FROM _fp_ins_items f
JOIN input_instruments ins
  ON fp_instrument_covers(ins.zone, ins.provider, ins.region_id, ins.period_start, ins.period_end,
                          f.grid_zone, f.provider, f.region_id, f.charge_period_start)
WHERE f.facility_energy_kwh IS NOT NULL;

-- Facility energy every MWh-based instrument in play is spread over.
CREATE OR REPLACE TEMP TABLE _fp_ins_total AS
SELECT ins.batch_id, ins.source_row, fp_sum(f.facility_energy_kwh) AS facility_kwh
FROM footprint_items f
JOIN input_instruments ins
  ON fp_instrument_covers(ins.zone, ins.provider, ins.region_id, ins.period_start, ins.period_end,
                          f.grid_zone, f.provider, f.region_id, f.charge_period_start)
WHERE f.facility_energy_kwh IS NOT NULL AND ins.covered_share IS NULL
  AND (ins.batch_id, ins.source_row) IN (SELECT DISTINCT batch_id, source_row FROM _fp_ins_elig)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE _fp_ins_alloc AS
WITH req AS (
    SELECT e.*,
           CASE WHEN e.covered_share IS NOT NULL THEN e.covered_share
                ELSE least(1.0, e.covered_mwh * 1000.0 / nullif(t.facility_kwh, 0)) END AS requested
    FROM _fp_ins_elig e
    LEFT JOIN _fp_ins_total t USING (batch_id, source_row)
), alloc AS (
    SELECT *,
           greatest(0.0, least(coalesce(requested, 0.0), 1.0 - coalesce(sum(requested) OVER (
               PARTITION BY item_id ORDER BY type_rank, instrument_id, batch_id, source_row
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0.0))) AS allocated
    FROM req
)
SELECT item_id,
       sum(allocated ORDER BY type_rank, instrument_id, batch_id, source_row) AS instrument_share,
       sum(allocated * factor_g_per_kwh ORDER BY type_rank, instrument_id, batch_id, source_row)
           AS instrument_factor_part,
       string_agg(instrument_id || ' (' || instrument_type || ', ' || round(allocated * 100, 2) || '%)', '; '
                  ORDER BY type_rank, instrument_id, batch_id, source_row) FILTER (WHERE allocated > 0)
           AS instrument_ids
FROM alloc
GROUP BY item_id;

-- The market-based columns of those items, from their stored location-based factor and facility energy.
CREATE OR REPLACE TEMP TABLE _fp_ins_update AS
SELECT *,
    fp_co2e_kg(facility_energy_kwh_low, market_factor_g_per_kwh) AS market_kgco2e_low,
    fp_co2e_kg(facility_energy_kwh, market_factor_g_per_kwh) AS market_kgco2e,
    fp_co2e_kg(facility_energy_kwh_high, market_factor_g_per_kwh) AS market_kgco2e_high
FROM (
    SELECT f.item_id, f.facility_energy_kwh_low, f.facility_energy_kwh, f.facility_energy_kwh_high,
           a.instrument_share, a.instrument_ids,
           fp_market_method(a.instrument_share, fp_remainder_method(mk.has_claim, mk.has_residual))
               AS market_method,
           fp_market_factor(a.instrument_factor_part, a.instrument_share,
                            fp_remainder_factor(mk.has_claim, mk.claimed_share, mk.has_residual,
                                                mk.residual_factor, f.location_factor_g_per_kwh))
               AS market_factor_g_per_kwh,
           fp_market_source(a.instrument_share, a.instrument_ids,
                            fp_remainder_source(mk.has_claim, mk.claim_source, mk.claim_year, mk.claimed_share,
                                                mk.claim_type, mk.has_residual, mk.residual_batch,
                                                mk.residual_row, mk.residual_source, mk.residual_year,
                                                f.grid_zone, f.location_factor_source))
               AS market_factor_source
    FROM _fp_ins_alloc a
    JOIN footprint_items f USING (item_id)
    JOIN _fp_mkey mk
      ON mk.provider = f.provider AND mk.region_id IS NOT DISTINCT FROM f.region_id
     AND mk.grid_zone IS NOT DISTINCT FROM f.grid_zone AND mk.usage_year = f.usage_year
);

-- Items whose market-based figures change (all of them in a full refresh, where every item was just
-- written without instruments).
CREATE OR REPLACE TEMP TABLE _fp_ins_changed AS
SELECT u.* EXCLUDE (facility_energy_kwh_low, facility_energy_kwh, facility_energy_kwh_high),
       f.charge_period_start, f.charge_period_end
FROM _fp_ins_update u
JOIN footprint_items f USING (item_id)
WHERE u.instrument_share IS DISTINCT FROM f.instrument_share OR u.instrument_ids IS DISTINCT FROM f.instrument_ids
   OR u.market_method IS DISTINCT FROM f.market_method
   OR u.market_factor_g_per_kwh IS DISTINCT FROM f.market_factor_g_per_kwh
   OR u.market_factor_source IS DISTINCT FROM f.market_factor_source
   OR u.market_kgco2e_low IS DISTINCT FROM f.market_kgco2e_low OR u.market_kgco2e IS DISTINCT FROM f.market_kgco2e
   OR u.market_kgco2e_high IS DISTINCT FROM f.market_kgco2e_high;

UPDATE footprint_items AS f
SET instrument_share = c.instrument_share,
    instrument_ids = c.instrument_ids,
    market_method = c.market_method,
    market_factor_g_per_kwh = c.market_factor_g_per_kwh,
    market_factor_source = c.market_factor_source,
    market_kgco2e_low = c.market_kgco2e_low,
    market_kgco2e = c.market_kgco2e,
    market_kgco2e_high = c.market_kgco2e_high
FROM _fp_ins_changed c
WHERE f.item_id = c.item_id;
