"""Telemetry: measured power and energy per host and GPU, and measured vs modelled where both exist.

Measured energy comes from energy counters where the telemetry has them, otherwise from integrating
power over time; gaps longer than the configured multiple of the sampling interval are not bridged.
Where telemetry covers a billed resource, its measured accelerator energy replaces the modelled one in
every total, and the reconciliation below shows both.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, data
from dashboard.charts import Measure
from footprint import units

f = components.page_start(
    "Telemetry",
    "Measured energy comes from the GPUs' energy counters where a file has them, otherwise from power "
    "integrated over time; a gap longer than the allowed multiple of the sampling interval is not bridged. "
    "Where telemetry covers a billed resource, its measured accelerator energy replaces the modelled figure "
    "in every total (host CPU and memory stay modelled)."
)

devices = data.query("telemetry_devices", f)
if devices.empty:
    st.info(
        "No GPU telemetry in this scope. Upload nvidia-smi logs, DCGM exporter metrics or CodeCarbon "
        "files on the Upload page."
    )
else:
    cols = st.columns(3)
    components.kpi(
        cols[0],
        "Measured GPU energy",
        units.energy(devices["energy_kwh"].sum()),
        "IT energy, PUE not applied",
    )
    components.kpi(
        cols[1], "Devices", units.number(len(devices), 0), f"on {devices['host'].nunique():,} hosts"
    )
    components.kpi(
        cols[2],
        "Device-hours covered",
        f"{units.number(devices['covered_h'].sum())} h",
        "hours with samples, summed over devices",
    )
    components.methodology_link("measured figures")

    st.subheader("Measured power over time")
    by = st.segmented_control("Per", ["host", "device"], default="host", key="tm-by") or "host"
    power = data.query("telemetry_power", f, by=by)
    components.chart(
        power,
        lambda d: charts.power_lines(
            d,
            Measure("power_w", "Average power", "power"),
            f"Average measured GPU power per hour and {by}",
            x="bucket_start",
            colour_by=by,
        ),
        name=f"telemetry-power-{by}",
    )
    spans = power.groupby(by)["bucket_start"].agg(["min", "max"]).sort_values("min")
    if 0 < len(spans) <= 8:  # logs often cover a few hours each, far apart: say where, so one can zoom in
        st.caption(
            f"First to last sampled hour per {by} (UTC): "
            + "; ".join(f"{n} {lo:%Y-%m-%d %H:%M} to {hi:%Y-%m-%d %H:%M}" for n, lo, hi in spans.itertuples())
            + ". Drag across the chart to zoom into one of them; double-click to zoom out."
        )

    st.subheader("Energy per device")
    components.chart(
        devices.assign(device=devices["host"] + " / GPU " + devices["gpu"].astype(str)),
        lambda d: charts.breakdown(
            d,
            "device",
            Measure("energy_kwh", "Measured energy", "energy"),
            "Measured GPU energy per device (largest 15)",
            dim_label="Host / GPU",
            colour_by="host",  # a host's GPUs share its colour, as in the power chart above
        ),
        name="telemetry-energy-per-device",
        download=devices,
    )

st.subheader("Measured vs modelled")
st.caption(
    "Billed resources the telemetry covered (matched by instance or host and time): the accelerator "
    "energy the model would have given, and what was measured instead."
)
recon = data.query("reconciliation", f)
components.chart(
    recon,
    lambda d: charts.scatter_vs(
        d,
        Measure("measured_energy_kwh", "Measured", "energy"),
        Measure("modelled_same_hours_kwh", "Modelled for the same device-hours", "energy"),
        "resource_id",
        "Measured vs modelled accelerator energy per resource",
        label_title="Billed resource",
    ),
    name="measured-vs-modelled",
    empty="No billed resource in this scope is covered by telemetry, so there is nothing to reconcile.",
)
if not recon.empty:
    st.caption(
        "Modelled energy is compared for the device-hours the telemetry covered; the whole billed row's "
        "modelled energy is given beside it. A ratio below 1 means the GPUs drew less than the model's "
        "utilisation assumption."
    )
    components.table(
        recon,
        name="reconciliation-table",
        column_config={
            "billed_device_hours": components.number_column("Device-hours billed (h)", 1),
            "measured_device_hours": components.number_column("Device-hours measured (h)", 1),
            "modelled_same_hours_kwh": components.number_column("Modelled, same hours (kWh)", 2),
            "modelled_row_accelerator_energy_kwh": components.number_column("Modelled, whole rows (kWh)", 2),
            "measured_to_modelled": components.number_column("Measured / modelled", 2),
        },
    )
