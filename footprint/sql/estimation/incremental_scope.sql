-- Which items an incremental refresh re-allocates contractual instruments to (30_instruments.sql): the
-- items it wrote, and every item eligible for an MWh-based instrument that an item it wrote or deleted
-- was eligible for, since that instrument's energy is now spread over a different total. The items of a
-- removed batch may be gone already: every MWh-based instrument whose period overlaps the period the
-- batch covered (_refresh_removed) counts as affected. Items of other instruments keep their allocation:
-- nothing they depend on changed.
CREATE OR REPLACE TEMP TABLE _fp_ins_scope AS
WITH changed AS (
    SELECT * FROM _fp_gone UNION ALL SELECT * FROM _fp_new
), affected AS (
    SELECT DISTINCT ins.batch_id, ins.source_row
    FROM changed f
    JOIN input_instruments ins
      ON fp_instrument_covers(ins.zone, ins.provider, ins.region_id, ins.period_start, ins.period_end,
                              f.grid_zone, f.provider, f.region_id, f.charge_period_start)
    WHERE f.facility_energy_kwh IS NOT NULL AND ins.covered_share IS NULL
    UNION
    SELECT ins.batch_id, ins.source_row
    FROM _refresh_removed r
    JOIN input_instruments ins
      ON ins.covered_share IS NULL AND ins.period_start < r.last_end
     AND ins.period_end + INTERVAL 1 DAY > r.first_start
), instruments AS (
    SELECT ins.* FROM input_instruments ins SEMI JOIN affected USING (batch_id, source_row)
)
SELECT item_id FROM _fp_new
UNION
SELECT f.item_id
FROM footprint_items f
JOIN instruments ins
  ON fp_instrument_covers(ins.zone, ins.provider, ins.region_id, ins.period_start, ins.period_end,
                          f.grid_zone, f.provider, f.region_id, f.charge_period_start)
WHERE f.facility_energy_kwh IS NOT NULL;
