-- Measured vs modelled accelerator energy where telemetry covered billed resources (footprint_items rows
-- whose accelerator energy the measurement replaced), grouped by $group: 'resource' or 'model'.
-- The modelled figure compared is the model's energy for the same device-hours the telemetry covered
-- (the row's modelled accelerator energy x measured / billed device-hours, at most the whole row), so
-- the ratio compares like with like; the whole row's modelled energy is given beside it.
WITH rows AS (
    SELECT
        resource_id, model, provider, region_id, instance_type, accelerator_model,
        charge_period_start, charge_period_end,
        device_hours AS billed_device_hours,
        measured_device_hours,
        measured_energy_kwh,
        modelled_accelerator_energy_kwh,
        modelled_accelerator_energy_kwh
            * CASE WHEN device_hours > 0 THEN least(1.0, measured_device_hours / device_hours) END
            AS modelled_same_hours_kwh
    FROM footprint_items
    WHERE source = 'billing' AND coalesce(measured_device_hours, 0) > 0
),
g AS (
    SELECT
        CASE WHEN $group = 'resource' THEN resource_id ELSE model END AS key,
        string_agg(DISTINCT provider, ', ') AS provider,
        string_agg(DISTINCT region_id, ', ') AS region_id,
        string_agg(DISTINCT instance_type, ', ') AS instance_type,
        string_agg(DISTINCT accelerator_model, ', ') AS accelerator_model,
        count(DISTINCT resource_id) AS resources,
        count(*) AS line_items,
        min(charge_period_start) AS period_start,
        max(charge_period_end) AS period_end,
        sum(billed_device_hours) AS billed_device_hours,
        sum(measured_device_hours) AS measured_device_hours,
        sum(measured_energy_kwh) AS measured_accelerator_energy_kwh,
        sum(modelled_same_hours_kwh) AS modelled_accelerator_energy_kwh,
        sum(modelled_accelerator_energy_kwh) AS modelled_row_accelerator_energy_kwh
    FROM rows
    GROUP BY 1
)
SELECT
    g.*,
    CASE WHEN modelled_accelerator_energy_kwh > 0
         THEN measured_accelerator_energy_kwh / modelled_accelerator_energy_kwh END AS measured_to_modelled_ratio
FROM g
ORDER BY measured_accelerator_energy_kwh DESC, key;
