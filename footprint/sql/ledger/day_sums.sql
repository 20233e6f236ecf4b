-- Every footprint item spread over the UTC days it covers, with the share of the item in each day (time
-- overlap / item duration; an item within one day, or without duration, counts whole on its day), summed
-- exactly (DECIMAL) per day and per team, model, workload, detail and currency as the items name them.
-- Names are written the ledger's way afterwards, on these few rows (model_day.sql). An item that spans
-- several days goes through generate_series; the others (nearly all) do not need to.
-- @@items@@ narrows the items read and @@days@@ the days kept (SQL from code: TRUE in a full refresh,
-- the days an incremental refresh touched otherwise).
CREATE OR REPLACE TEMP TABLE _ledger_day_sums AS
WITH items AS (
    SELECT
        charge_period_start AS t0, charge_period_end AS t1, team, model, workload, workload_detail,
        billing_currency, billed_cost, energy_kwh_low, energy_kwh, energy_kwh_high, facility_energy_kwh_low,
        facility_energy_kwh, facility_energy_kwh_high, measured_energy_kwh, location_kgco2e_low, location_kgco2e,
        location_kgco2e_high, market_kgco2e_low, market_kgco2e, market_kgco2e_high,
        t1 > t0 AND date_trunc('day', t0) <> date_trunc('day', t1 - INTERVAL 1 MICROSECOND) AS several_days
    FROM footprint_items
    WHERE @@items@@
),
days AS (
    SELECT * EXCLUDE (several_days), CAST(t0 AS DATE) AS day, 1.0 AS share FROM items WHERE NOT several_days
    UNION ALL BY NAME
    SELECT * EXCLUDE (several_days, day_start), CAST(day_start AS DATE) AS day,
           epoch(least(t1, day_start + INTERVAL 1 DAY) - greatest(t0, day_start)) / epoch(t1 - t0) AS share
    FROM (
        SELECT *, unnest(generate_series(date_trunc('day', t0), t1 - INTERVAL 1 MICROSECOND, INTERVAL 1 DAY))
                      AS day_start
        FROM items WHERE several_days
    )
)
SELECT
    day, team, model, workload, workload_detail, billing_currency,
    count(*) AS items,
    count(*) FILTER (WHERE energy_kwh IS NULL) AS unestimated_items,
    sum(CAST(energy_kwh_low * share AS DECIMAL(38, 18))) AS energy_kwh_low,
    sum(CAST(energy_kwh * share AS DECIMAL(38, 18))) AS energy_kwh,
    sum(CAST(energy_kwh_high * share AS DECIMAL(38, 18))) AS energy_kwh_high,
    sum(CAST(facility_energy_kwh_low * share AS DECIMAL(38, 18))) AS facility_energy_kwh_low,
    sum(CAST(facility_energy_kwh * share AS DECIMAL(38, 18))) AS facility_energy_kwh,
    sum(CAST(facility_energy_kwh_high * share AS DECIMAL(38, 18))) AS facility_energy_kwh_high,
    sum(CAST(measured_energy_kwh * share AS DECIMAL(38, 18))) AS measured_energy_kwh,
    sum(CAST(location_kgco2e_low * share AS DECIMAL(38, 18))) AS location_kgco2e_low,
    sum(CAST(location_kgco2e * share AS DECIMAL(38, 18))) AS location_kgco2e,
    sum(CAST(location_kgco2e_high * share AS DECIMAL(38, 18))) AS location_kgco2e_high,
    sum(CAST(market_kgco2e_low * share AS DECIMAL(38, 18))) AS market_kgco2e_low,
    sum(CAST(market_kgco2e * share AS DECIMAL(38, 18))) AS market_kgco2e,
    sum(CAST(market_kgco2e_high * share AS DECIMAL(38, 18))) AS market_kgco2e_high,
    count(billed_cost) AS cost_rows,
    sum(CASE WHEN share = 1 THEN billed_cost ELSE CAST(billed_cost * share AS DECIMAL(38, 18)) END) AS billed_cost
FROM days
WHERE @@days@@
GROUP BY ALL;

-- The ledger's names for each combination above: team and model normalised and aliased as the rules file
-- says ($team_mode, $model_mode; temp tables _ledger_aliases and _ledger_workload_values), so a model
-- reported by telemetry and the same model on the bill are one model.
CREATE OR REPLACE TEMP TABLE _ledger_names AS
SELECT
    n.team, n.model, n.workload, n.workload_detail,
    coalesce(fp_attr_norm(a_team.canonical, $team_mode), fp_attr_norm(n.team, $team_mode), 'unattributed')
        AS ledger_team,
    coalesce(fp_attr_norm(a_model.canonical, $model_mode), fp_attr_norm(n.model, $model_mode), 'unattributed')
        AS ledger_model,
    CASE WHEN n.workload IN ('training', 'inference', 'development', 'data_processing', 'unknown')
         THEN n.workload ELSE coalesce(wv.workload, 'unknown') END AS ledger_workload,
    CASE WHEN n.workload IN ('training', 'inference', 'development', 'data_processing', 'unknown')
         THEN n.workload_detail ELSE wv.workload_detail END AS ledger_workload_detail
FROM (SELECT DISTINCT team, model, workload, workload_detail FROM _ledger_day_sums) n
LEFT JOIN _ledger_aliases a_team ON a_team.dimension = 'team' AND a_team.variant_match = fp_attr_match(n.team)
LEFT JOIN _ledger_aliases a_model ON a_model.dimension = 'model' AND a_model.variant_match = fp_attr_match(n.model)
LEFT JOIN _ledger_workload_values wv ON wv.value_match = fp_attr_match(n.workload);
