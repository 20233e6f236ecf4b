-- Measured vs modelled accelerator energy where telemetry covered a billed resource, per UTC day,
-- resource and filterable dimensions: the Telemetry page's reconciliation, filterable like every page.
-- The modelled figure compared is the model's energy for the same device-hours the telemetry covered,
-- exactly as footprint/sql/telemetry/reconcile.sql defines it (row's modelled accelerator energy x
-- measured / billed device-hours, at most the whole row); the whole row's modelled energy is kept beside it.
-- Sums are exact (fp_sum); {where} limits the days (all of them in a full refresh).
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
    fp_sum(device_hours) AS billed_device_hours,
    fp_sum(measured_device_hours) AS measured_device_hours,
    fp_sum(measured_energy_kwh) AS measured_energy_kwh,
    fp_sum(modelled_accelerator_energy_kwh
        * CASE WHEN device_hours > 0 THEN least(1.0, measured_device_hours / device_hours) END)
        AS modelled_same_hours_kwh,
    fp_sum(modelled_accelerator_energy_kwh) AS modelled_row_accelerator_energy_kwh
FROM v_footprint
WHERE source = 'billing' AND coalesce(measured_device_hours, 0) > 0 AND {where}
GROUP BY ALL
