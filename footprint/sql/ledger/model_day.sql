-- Footprint per day, team, model and workload, from the spread items. Items without an energy estimate
-- count at 0 kWh and are counted in unestimated_items, never dropped.
INSERT INTO ledger_model_day
SELECT
    d.day, d.team, d.model, d.workload, d.workload_detail,
    count(*) AS items,
    count(*) FILTER (WHERE f.energy_kwh IS NULL) AS unestimated_items,
    coalesce(sum(f.energy_kwh_low * d.share), 0),
    coalesce(sum(f.energy_kwh * d.share), 0),
    coalesce(sum(f.energy_kwh_high * d.share), 0),
    coalesce(sum(f.facility_energy_kwh_low * d.share), 0),
    coalesce(sum(f.facility_energy_kwh * d.share), 0),
    coalesce(sum(f.facility_energy_kwh_high * d.share), 0),
    coalesce(sum(f.measured_energy_kwh * d.share), 0),
    coalesce(sum(f.location_kgco2e_low * d.share), 0),
    coalesce(sum(f.location_kgco2e * d.share), 0),
    coalesce(sum(f.location_kgco2e_high * d.share), 0),
    coalesce(sum(f.market_kgco2e_low * d.share), 0),
    coalesce(sum(f.market_kgco2e * d.share), 0),
    coalesce(sum(f.market_kgco2e_high * d.share), 0)
FROM _ledger_item_days d
JOIN footprint_items f USING (item_id)
GROUP BY ALL;

-- Billed cost per day, team, model, workload and currency (currencies are never added together).
INSERT INTO ledger_model_cost_day
SELECT
    d.day, d.team, d.model, d.workload, f.billing_currency,
    sum(CASE WHEN d.share = 1 THEN f.billed_cost ELSE CAST(f.billed_cost * d.share AS DECIMAL(38, 18)) END)
FROM _ledger_item_days d
JOIN footprint_items f USING (item_id)
WHERE f.billed_cost IS NOT NULL AND f.billing_currency IS NOT NULL
GROUP BY ALL;
