-- The footprint rows behind a filtered figure, largest first, each with the file and data row it came
-- from. {where} is built in code from footprint.queries.Filters (values are parameters).
SELECT
    f.item_id, f.source, f.batch_id, ib.file_name, ib.detected_format, f.source_row, f.row_id, f.activity_id,
    f.charge_period_start, f.charge_period_end, f.provider, f.region_id, f.service_name, f.usage_type,
    f.resource_id, f.team, f.model, f.workload, f.attribution_rule_id, f.instance_type, f.accelerator_model,
    f.usage_kind, f.usage_quantity, f.usage_unit, f.billing_currency, f.billed_cost, f.usage_cost,
    f.method, f.formula_id, f.coefficient_ids, f.cpu_utilization, f.accelerator_utilization,
    f.not_modelled_reason, f.energy_kwh_low, f.energy_kwh, f.energy_kwh_high, f.measured_energy_kwh,
    f.telemetry_batches, f.pue, f.pue_source, f.facility_energy_kwh, f.grid_zone,
    f.location_factor_g_per_kwh, f.location_factor_source, f.location_factor_basis, f.location_factor_year,
    f.location_factor_fallback, f.location_hourly, f.location_kgco2e, f.market_method, f.instrument_share,
    f.instrument_ids, f.market_factor_g_per_kwh, f.market_factor_source, f.market_kgco2e,
    f.spend_based_energy_kwh, f.spend_based_basis, f.scope_label, f.methodology_version
FROM v_footprint f
LEFT JOIN ingest_batches ib ON ib.batch_id = f.batch_id
WHERE {where}
ORDER BY coalesce(f.energy_kwh, f.spend_based_energy_kwh, 0) DESC, f.item_id
LIMIT $limit
