-- The estimation formulas, shared by the refresh (footprint_items) and the quick calculator
-- (`footprint estimate`), so a figure is computed one way only. Temporary macros: they are installed on
-- every connection that estimates, including read-only ones. docs/methodology.md names each formula.
-- Columns inside the macros' subqueries are qualified with _fp_* aliases, so an argument that names a
-- column of the caller's query is never captured by the macro's own table.

-- Fraction of the dynamic range (full load - idle) a device draws at utilisation u (0..1), from the
-- device's measured power curve: piecewise-linear between the curve's measured points only, never a
-- straight line from idle to full load across a known non-linear curve.
CREATE OR REPLACE TEMP MACRO fp_curve_fraction(curve, u) AS (
    SELECT CASE
        WHEN u IS NULL OR u < 0 OR u > 1 THEN NULL
        WHEN min(_fp_pc.utilization) FILTER (_fp_pc.utilization >= u)
             = max(_fp_pc.utilization) FILTER (_fp_pc.utilization <= u)
            THEN arg_max(_fp_pc.dynamic_fraction, _fp_pc.utilization) FILTER (_fp_pc.utilization <= u)
        ELSE arg_max(_fp_pc.dynamic_fraction, _fp_pc.utilization) FILTER (_fp_pc.utilization <= u)
            + (u - max(_fp_pc.utilization) FILTER (_fp_pc.utilization <= u))
              * (arg_min(_fp_pc.dynamic_fraction, _fp_pc.utilization) FILTER (_fp_pc.utilization >= u)
                 - arg_max(_fp_pc.dynamic_fraction, _fp_pc.utilization) FILTER (_fp_pc.utilization <= u))
              / (min(_fp_pc.utilization) FILTER (_fp_pc.utilization >= u)
                 - max(_fp_pc.utilization) FILTER (_fp_pc.utilization <= u))
        END
    FROM ref_power_curves _fp_pc
    WHERE _fp_pc.curve_id = curve
);

-- F-DEV: device power (W) at a dynamic fraction between its idle and full-load power.
CREATE OR REPLACE TEMP MACRO fp_device_power_w(idle_w, full_w, fraction) AS
    idle_w + fraction * (full_w - idle_w);

-- F-ACC: power (W) of one accelerator at utilisation u, from ref_accelerator_power and its curve.
CREATE OR REPLACE TEMP MACRO fp_accelerator_power_w(model, u) AS (
    SELECT fp_device_power_w(_fp_ap.idle_power_w, _fp_ap.full_load_power_w, fp_curve_fraction(_fp_ap.curve_id, u))
    FROM ref_accelerator_power _fp_ap
    WHERE _fp_ap.accelerator_model = model
);

-- F-CPU: power (W) of one vCPU at utilisation u, linear between SPECpower idle and full load per thread.
CREATE OR REPLACE TEMP MACRO fp_vcpu_power_w(min_w, max_w, u) AS
    min_w + u * (max_w - min_w);

-- Energy (kWh) of a power (W) held for a duration (h).
CREATE OR REPLACE TEMP MACRO fp_energy_kwh(power_w, duration_h) AS
    power_w * duration_h / 1000.0;

-- F-FAC: facility energy = IT energy x PUE.
CREATE OR REPLACE TEMP MACRO fp_facility_kwh(it_kwh, pue) AS
    it_kwh * pue;

-- F-CO2: emissions (kg CO2e) of facility energy at an intensity (g CO2e per kWh).
CREATE OR REPLACE TEMP MACRO fp_co2e_kg(facility_kwh, intensity_g_per_kwh) AS
    facility_kwh * intensity_g_per_kwh / 1000.0;

-- Utilisation assumption for a device class and workload: the workload's own row, else the '*' row.
CREATE OR REPLACE TEMP MACRO fp_utilization(device, work, level) AS (
    SELECT arg_min(CASE level WHEN 'low' THEN _fp_ua.utilization_low WHEN 'high' THEN _fp_ua.utilization_high
                              ELSE _fp_ua.utilization END, _fp_ua.workload = '*')
    FROM ref_utilization_assumptions _fp_ua
    WHERE _fp_ua.device_class = device AND (_fp_ua.workload = work OR _fp_ua.workload = '*')
);
