-- Step 4 of the estimation: the separately labelled spend-based estimate for usage the models cannot
-- cover, then footprint_items rewritten from the step tables. Parameters: $scope, $methodology_version.

-- kWh per unit of usage cost of modelled and measured billing rows: same provider, service and currency;
-- else same provider and currency; else same currency.
CREATE OR REPLACE TEMP TABLE _fp_spend AS
WITH known AS (
    SELECT provider, service_name, billing_currency, energy_kwh, usage_cost
    FROM _fp_usage
    WHERE source = 'billing' AND method IN ('modelled', 'measured') AND usage_cost > 0
), s AS (
    SELECT provider, service_name, billing_currency, sum(energy_kwh) / sum(usage_cost) AS ratio, count(*) AS n
    FROM known GROUP BY ALL
), p AS (
    SELECT provider, billing_currency, sum(energy_kwh) / sum(usage_cost) AS ratio, count(*) AS n
    FROM known GROUP BY ALL
), c AS (
    SELECT billing_currency, sum(energy_kwh) / sum(usage_cost) AS ratio, count(*) AS n
    FROM known GROUP BY ALL
)
SELECT u.item_id,
       greatest(u.usage_cost, 0) * coalesce(s.ratio, p.ratio, c.ratio) AS spend_based_energy_kwh,
       CASE WHEN s.ratio IS NOT NULL
                THEN 'kWh per ' || u.billing_currency || ' of ' || s.n || ' modelled ' || u.provider || ' '
                     || coalesce(u.service_name, '(no service)') || ' rows'
            WHEN p.ratio IS NOT NULL
                THEN 'kWh per ' || u.billing_currency || ' of ' || p.n || ' modelled ' || u.provider || ' rows'
            WHEN c.ratio IS NOT NULL
                THEN 'kWh per ' || u.billing_currency || ' of ' || c.n || ' modelled rows (all providers)'
            ELSE 'no modelled usage in ' || coalesce(u.billing_currency, 'this currency') || ' to derive a ratio'
       END AS spend_based_basis
FROM _fp_usage u
LEFT JOIN s ON s.provider = u.provider AND s.service_name IS NOT DISTINCT FROM u.service_name
           AND s.billing_currency = u.billing_currency
LEFT JOIN p ON p.provider = u.provider AND p.billing_currency = u.billing_currency
LEFT JOIN c ON c.billing_currency = u.billing_currency
WHERE u.method = 'spend_based';

DELETE FROM footprint_items;

INSERT INTO footprint_items BY NAME
SELECT
    u.item_id, u.source, u.row_id, u.activity_id, u.batch_id, u.source_row,
    u.charge_period_start, u.charge_period_end, year(u.charge_period_start) AS usage_year,
    u.provider, u.region_id, u.service_name, u.sub_account_id, u.billing_account_id, u.charge_category,
    u.usage_type, u.resource_id, u.team, u.model, u.workload, u.workload_detail, u.attribution_rule_id,
    u.instance_type, u.cpu_microarchitecture, u.vcpu_count, u.memory_gb, u.accelerator_model,
    u.accelerator_count, u.usage_kind, u.usage_quantity, u.usage_unit, u.usage_hours, u.device_hours,
    u.billing_currency, u.billed_cost, u.effective_cost, u.carries_usage, u.usage_cost,
    CASE WHEN u.method IN ('modelled', 'measured') THEN u.usage_cost END AS estimated_usage_cost,
    u.cpu_energy_kwh, u.memory_energy_kwh, u.storage_energy_kwh, u.network_energy_kwh,
    u.accelerator_energy_kwh, u.modelled_accelerator_energy_kwh,
    u.energy_kwh_low, u.energy_kwh, u.energy_kwh_high, u.measured_energy_kwh, u.measured_device_hours,
    u.telemetry_batches, u.method, u.formula_id, u.coefficient_ids, u.cpu_utilization,
    u.accelerator_utilization, u.not_modelled_reason,
    f.pue, f.pue_source, f.pue_year,
    f.facility_energy_kwh_low, f.facility_energy_kwh, f.facility_energy_kwh_high,
    l.grid_zone, l.country_iso2, l.location_factor_zone, l.location_factor_g_per_kwh, l.location_factor_source,
    l.location_factor_basis, l.location_factor_year, l.location_factor_fallback, l.location_hourly,
    fp_co2e_kg(f.facility_energy_kwh_low, l.location_factor_g_per_kwh) AS location_kgco2e_low,
    fp_co2e_kg(f.facility_energy_kwh, l.location_factor_g_per_kwh) AS location_kgco2e,
    fp_co2e_kg(f.facility_energy_kwh_high, l.location_factor_g_per_kwh) AS location_kgco2e_high,
    coalesce(m.instrument_share, 0.0) AS instrument_share, m.instrument_ids, m.market_method,
    m.market_factor_g_per_kwh, m.market_factor_source,
    fp_co2e_kg(f.facility_energy_kwh_low, m.market_factor_g_per_kwh) AS market_kgco2e_low,
    fp_co2e_kg(f.facility_energy_kwh, m.market_factor_g_per_kwh) AS market_kgco2e,
    fp_co2e_kg(f.facility_energy_kwh_high, m.market_factor_g_per_kwh) AS market_kgco2e_high,
    s.spend_based_energy_kwh, s.spend_based_basis,
    fp_co2e_kg(fp_facility_kwh(s.spend_based_energy_kwh, f.pue), l.location_factor_g_per_kwh)
        AS spend_based_location_kgco2e,
    CASE WHEN u.provider = 'onprem' THEN 'scope2' ELSE $scope END AS scope_label,
    $methodology_version AS methodology_version
FROM _fp_usage u
JOIN _fp_fac f USING (item_id)
JOIN _fp_location l USING (item_id)
LEFT JOIN _fp_market m USING (item_id)
LEFT JOIN _fp_spend s USING (item_id);
