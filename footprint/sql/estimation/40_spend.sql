-- Step 4 of the estimation: the separately labelled spend-based estimate for usage the models cannot
-- cover (method 'spend_based'): kWh per unit of usage cost of the modelled and measured billing rows of
-- the same provider, service and currency; else same provider and currency; else same currency. The
-- ratios come from every item in footprint_items (energy summed exactly), so they are the same after a
-- full or an incremental refresh; _fp_spend_changed keeps the rows whose figures change.

CREATE OR REPLACE TEMP TABLE _fp_spend AS
WITH s AS (
    SELECT provider, service_name, billing_currency,
           sum(CAST(energy_kwh AS DECIMAL(38, 18))) AS energy_kwh, sum(usage_cost) AS usage_cost, count(*) AS n
    FROM footprint_items
    WHERE source = 'billing' AND method IN ('modelled', 'measured') AND usage_cost > 0
    GROUP BY ALL
), p AS (
    SELECT provider, billing_currency, sum(energy_kwh) AS energy_kwh, sum(usage_cost) AS usage_cost, sum(n) AS n
    FROM s GROUP BY ALL
), c AS (
    SELECT billing_currency, sum(energy_kwh) AS energy_kwh, sum(usage_cost) AS usage_cost, sum(n) AS n
    FROM s GROUP BY ALL
), r AS (
    SELECT u.row_id, u.charge_period_start, u.usage_cost, u.pue, u.location_factor_g_per_kwh,
           greatest(u.usage_cost, 0) * coalesce(
               CAST(s.energy_kwh AS DOUBLE) / CAST(s.usage_cost AS DOUBLE),
               CAST(p.energy_kwh AS DOUBLE) / CAST(p.usage_cost AS DOUBLE),
               CAST(c.energy_kwh AS DOUBLE) / CAST(c.usage_cost AS DOUBLE)) AS spend_based_energy_kwh,
           CASE WHEN s.n IS NOT NULL
                    THEN 'kWh per ' || u.billing_currency || ' of ' || s.n || ' modelled ' || u.provider || ' '
                         || coalesce(u.service_name, '(no service)') || ' rows'
                WHEN p.n IS NOT NULL
                    THEN 'kWh per ' || u.billing_currency || ' of ' || p.n || ' modelled ' || u.provider || ' rows'
                WHEN c.n IS NOT NULL
                    THEN 'kWh per ' || u.billing_currency || ' of ' || c.n || ' modelled rows (all providers)'
                ELSE 'no modelled usage in ' || coalesce(u.billing_currency, 'this currency') || ' to derive a ratio'
           END AS spend_based_basis,
           u.spend_based_energy_kwh AS old_energy_kwh, u.spend_based_basis AS old_basis,
           u.spend_based_location_kgco2e AS old_location_kgco2e
    FROM footprint_items u
    LEFT JOIN s ON s.provider = u.provider AND s.service_name IS NOT DISTINCT FROM u.service_name
               AND s.billing_currency = u.billing_currency
    LEFT JOIN p ON p.provider = u.provider AND p.billing_currency = u.billing_currency
    LEFT JOIN c ON c.billing_currency = u.billing_currency
    WHERE u.method = 'spend_based'
)
SELECT row_id, charge_period_start, spend_based_energy_kwh, spend_based_basis,
       fp_co2e_kg(fp_facility_kwh(spend_based_energy_kwh, pue), location_factor_g_per_kwh)
           AS spend_based_location_kgco2e,
       old_energy_kwh, old_basis, old_location_kgco2e
FROM r;

CREATE OR REPLACE TEMP TABLE _fp_spend_changed AS
SELECT row_id, charge_period_start, spend_based_energy_kwh, spend_based_basis, spend_based_location_kgco2e
FROM _fp_spend
WHERE spend_based_energy_kwh IS DISTINCT FROM old_energy_kwh OR spend_based_basis IS DISTINCT FROM old_basis
   OR spend_based_location_kgco2e IS DISTINCT FROM old_location_kgco2e;

UPDATE footprint_items AS f
SET spend_based_energy_kwh = c.spend_based_energy_kwh,
    spend_based_basis = c.spend_based_basis,
    spend_based_location_kgco2e = c.spend_based_location_kgco2e
FROM _fp_spend_changed c
WHERE f.row_id = c.row_id AND f.source = 'billing';
