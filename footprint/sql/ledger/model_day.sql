-- Footprint per day, team, model and workload (the ledger's names), from _ledger_day_sums (day_sums.sql):
-- exact sums added again, then written as DOUBLE. Items without an energy estimate count at 0 kWh and are
-- counted in unestimated_items, never dropped.
INSERT INTO ledger_model_day
SELECT
    s.day, n.ledger_team, n.ledger_model, n.ledger_workload, n.ledger_workload_detail,
    sum(s.items),
    sum(s.unestimated_items),
    coalesce(CAST(sum(s.energy_kwh_low) AS DOUBLE), 0),
    coalesce(CAST(sum(s.energy_kwh) AS DOUBLE), 0),
    coalesce(CAST(sum(s.energy_kwh_high) AS DOUBLE), 0),
    coalesce(CAST(sum(s.facility_energy_kwh_low) AS DOUBLE), 0),
    coalesce(CAST(sum(s.facility_energy_kwh) AS DOUBLE), 0),
    coalesce(CAST(sum(s.facility_energy_kwh_high) AS DOUBLE), 0),
    coalesce(CAST(sum(s.measured_energy_kwh) AS DOUBLE), 0),
    coalesce(CAST(sum(s.location_kgco2e_low) AS DOUBLE), 0),
    coalesce(CAST(sum(s.location_kgco2e) AS DOUBLE), 0),
    coalesce(CAST(sum(s.location_kgco2e_high) AS DOUBLE), 0),
    coalesce(CAST(sum(s.market_kgco2e_low) AS DOUBLE), 0),
    coalesce(CAST(sum(s.market_kgco2e) AS DOUBLE), 0),
    coalesce(CAST(sum(s.market_kgco2e_high) AS DOUBLE), 0)
FROM _ledger_day_sums s
JOIN _ledger_names n
  ON n.team = s.team AND n.model = s.model AND n.workload = s.workload
 AND n.workload_detail IS NOT DISTINCT FROM s.workload_detail
GROUP BY ALL;

-- Billed cost per day, team, model, workload and currency (currencies are never added together).
INSERT INTO ledger_model_cost_day
SELECT s.day, n.ledger_team, n.ledger_model, n.ledger_workload, s.billing_currency, sum(s.billed_cost)
FROM _ledger_day_sums s
JOIN _ledger_names n
  ON n.team = s.team AND n.model = s.model AND n.workload = s.workload
 AND n.workload_detail IS NOT DISTINCT FROM s.workload_detail
WHERE s.billing_currency IS NOT NULL AND s.cost_rows > 0
GROUP BY ALL;
