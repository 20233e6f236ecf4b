-- Shared start of the ledger queries (periods.sql and models.sql continue this WITH clause).
-- Parameters: $since, $until (DATE or NULL, inclusive), $teams, $models (VARCHAR[]; empty = all).
-- e_all / r_all: footprint and requests up to $until (cumulative figures and break-even start at the
-- first day of data); e / r: the same within [$since, $until]. Request counts that name no team count
-- for every team filter, since they describe the model's traffic as a whole.
WITH
e_all AS (
    SELECT * FROM ledger_model_day
    WHERE (len(CAST($teams AS VARCHAR[])) = 0 OR list_contains(CAST($teams AS VARCHAR[]), team))
      AND (len(CAST($models AS VARCHAR[])) = 0 OR list_contains(CAST($models AS VARCHAR[]), model))
      AND (CAST($until AS DATE) IS NULL OR day <= CAST($until AS DATE))
),
r_all AS (
    SELECT * FROM ledger_requests_day
    WHERE (len(CAST($teams AS VARCHAR[])) = 0 OR team IS NULL OR list_contains(CAST($teams AS VARCHAR[]), team))
      AND (len(CAST($models AS VARCHAR[])) = 0 OR list_contains(CAST($models AS VARCHAR[]), model))
      AND (CAST($until AS DATE) IS NULL OR day <= CAST($until AS DATE))
),
e AS (SELECT * FROM e_all WHERE CAST($since AS DATE) IS NULL OR day >= CAST($since AS DATE)),
r AS (SELECT * FROM r_all WHERE CAST($since AS DATE) IS NULL OR day >= CAST($since AS DATE)),
-- Requests and inference energy per day and model; the per-request ratios use only days that have both
-- (matched days), so a day whose bill or whose counts are missing does not skew them. The _low/_high
-- sums carry the estimates' uncertainty range through to the per-1,000 ratios.
req_day AS (
    SELECT day, model, fp_sum(requests) AS requests, fp_sum(tokens) AS tokens FROM r GROUP BY ALL
),
inf_day AS (
    SELECT day, model, fp_sum(energy_kwh) AS energy_kwh, fp_sum(facility_energy_kwh) AS facility_energy_kwh,
           fp_sum(location_kgco2e) AS location_kgco2e, fp_sum(market_kgco2e) AS market_kgco2e,
           fp_sum(energy_kwh_low) AS energy_kwh_low, fp_sum(energy_kwh_high) AS energy_kwh_high,
           fp_sum(facility_energy_kwh_low) AS facility_energy_kwh_low,
           fp_sum(facility_energy_kwh_high) AS facility_energy_kwh_high,
           fp_sum(location_kgco2e_low) AS location_kgco2e_low, fp_sum(location_kgco2e_high) AS location_kgco2e_high
    FROM e WHERE workload = 'inference' GROUP BY ALL
),
matched_day AS (
    SELECT q.day, q.model,
        CASE WHEN q.requests > 0 AND i.energy_kwh IS NOT NULL THEN q.requests END AS requests,
        CASE WHEN q.requests > 0 THEN i.energy_kwh END AS energy_kwh,
        CASE WHEN q.requests > 0 THEN i.facility_energy_kwh END AS facility_energy_kwh,
        CASE WHEN q.requests > 0 THEN i.location_kgco2e END AS location_kgco2e,
        CASE WHEN q.tokens > 0 AND i.energy_kwh IS NOT NULL THEN q.tokens END AS tokens,
        CASE WHEN q.tokens > 0 THEN i.energy_kwh END AS token_energy_kwh,
        CASE WHEN q.requests > 0 THEN i.energy_kwh_low END AS energy_kwh_low,
        CASE WHEN q.requests > 0 THEN i.energy_kwh_high END AS energy_kwh_high,
        CASE WHEN q.requests > 0 THEN i.facility_energy_kwh_low END AS facility_energy_kwh_low,
        CASE WHEN q.requests > 0 THEN i.facility_energy_kwh_high END AS facility_energy_kwh_high,
        CASE WHEN q.requests > 0 THEN i.location_kgco2e_low END AS location_kgco2e_low,
        CASE WHEN q.requests > 0 THEN i.location_kgco2e_high END AS location_kgco2e_high
    FROM req_day q
    LEFT JOIN inf_day i ON i.day = q.day AND i.model = q.model
)
