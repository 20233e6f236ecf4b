-- Measured vs modelled accelerator energy where telemetry covered a billed resource, per UTC day,
-- resource and filterable dimensions: the Telemetry page's reconciliation. The modelled figure is the one
-- the measurement replaced (kept by the estimation for audit).
CREATE OR REPLACE TABLE agg_reconciliation_day AS
SELECT
    CAST(charge_period_start AS DATE) AS charge_day,
    provider,
    region_id,
    service_name,
    team,
    model,
    workload,
    accelerator_model,
    resource_id,
    count(*) AS line_items,
    sum(measured_device_hours) AS measured_device_hours,
    sum(measured_energy_kwh) AS measured_energy_kwh,
    sum(modelled_accelerator_energy_kwh) AS modelled_accelerator_energy_kwh
FROM v_footprint
WHERE source = 'billing' AND measured_energy_kwh > 0
GROUP BY ALL
ORDER BY charge_day;
