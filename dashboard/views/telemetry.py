"""Telemetry: every measured source in scope - device telemetry per GPU and CodeCarbon runs - and how their
energy entered the footprint, so that the page's total is the Overview's 'measured by telemetry'.

Device energy comes from the GPUs' energy counters where the telemetry has them, otherwise from integrating
power over time; gaps longer than the configured multiple of the sampling interval are not bridged.
CodeCarbon energies are the file's own, with the PUE the file applied divided out. Where telemetry covers
a billed resource, its measured accelerator energy replaces the modelled one in every total; where no bill
covers it, it stands in the footprint on its own. The reconciliation at the end shows measured vs modelled.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, components, data
from dashboard.charts import Measure
from footprint import units
from footprint.aggregates.telemetry import BOTH, CODECARBON, DEVICE, ENTERED_ALONE, ENTERED_BILL

f = components.page_start(
    "Telemetry",
    "Measured energy comes from device telemetry (nvidia-smi logs, DCGM exporter metrics: per GPU, from the "
    "energy counters where a file has them, otherwise power integrated over time; a gap longer than the "
    "allowed multiple of the sampling interval is not bridged) and from CodeCarbon runs (per run: CPU, GPU "
    "and RAM energy as CodeCarbon reports them, with the PUE the file applied divided out). Where telemetry "
    "covers a billed resource, its measured accelerator energy replaces the modelled figure in every total "
    "(host CPU and memory stay modelled); where no bill covers it, the measured energy stands on its own.",
)


def _energy_of(frame: pd.DataFrame, column: str, value: str) -> float:
    """Measured energy (kWh) of the source rows whose `column` reads `value`."""
    return float(frame.loc[frame[column] == value, "measured_energy_kwh"].sum())


def measured_totals(sources: pd.DataFrame) -> None:
    """The footprint's measured energy in scope, split by what measured it and how it entered."""
    parts = [
        f"{label} {units.energy(_energy_of(sources, 'measured_by', label))}"
        for label in (DEVICE, CODECARBON, BOTH)
        if (sources["measured_by"] == label).any()
    ]
    billed = sources[sources["entered"] == ENTERED_BILL]
    alone = sources[sources["entered"] == ENTERED_ALONE]
    cols = st.columns(3)
    components.kpi(
        cols[0],
        "Measured energy in the footprint",
        units.energy(float(sources["measured_energy_kwh"].sum())),
        "IT energy, PUE not applied: " + (" + ".join(parts) if parts else "none under these filters"),
    )
    components.kpi(
        cols[1],
        "Replaced modelled energy",
        units.energy(float(billed["measured_energy_kwh"].sum())),
        f"accelerator energy on {units.number(int(billed['resources'].sum()), 0)} billed resource(s), "
        f"where the model gave {units.energy(float(billed['modelled_accelerator_energy_kwh'].sum()))}",
    )
    components.kpi(
        cols[2],
        "Stands alone",
        units.energy(float(alone["measured_energy_kwh"].sum())),
        f"measured energy no bill covers, on {units.number(int(alone['resources'].sum()), 0)} host(s)",
    )
    components.methodology_link("measured figures")
    st.caption(
        "The total is the Overview's 'measured by telemetry' for the same filters: the footprint's measured "
        "energy by how it entered and what measured it. The per-GPU and per-run figures below are as each "
        "file attributed them (its host, team, model and hour); energy that fell under a bill row is filed "
        "under that row's team, model and charge day, so under a team or date filter the two can differ."
    )
    components.table(
        sources,
        name="measured-sources",
        column_config={
            "entered": "Entered the footprint as",
            "measured_by": "Measured by",
            "footprint_rows": components.number_column("Footprint rows", 0),
            "resources": components.number_column("Resources / hosts", 0),
            "measured_energy_kwh": components.number_column("Measured energy (kWh)", 2),
            "energy_kwh": components.number_column("IT energy of those rows (kWh)", 2),
            "modelled_accelerator_energy_kwh": components.number_column(
                "Modelled accelerator energy (kWh)", 2
            ),
        },
        empty="The telemetry in this scope adds no measured energy to the footprint under these filters.",
    )


def device_telemetry(devices: pd.DataFrame) -> None:
    """Measured GPU energy per device and power over time, from nvidia-smi and DCGM files."""
    cols = st.columns(3)
    components.kpi(
        cols[0],
        "Device telemetry, GPU energy",
        units.energy(devices["energy_kwh"].sum()),
        "IT energy, PUE not applied, as the files attributed it",
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


def codecarbon(runs: pd.DataFrame) -> None:
    """CodeCarbon runs: energies as the file gives them and what the footprint counts of each."""
    cols = st.columns(3)
    components.kpi(
        cols[0],
        "CodeCarbon runs",
        units.number(len(runs), 0),
        f"on {runs['host'].nunique():,} host(s), {units.number(float(runs['duration_h'].sum()))} h in all",
    )
    components.kpi(
        cols[1],
        "CodeCarbon IT energy",
        units.energy(float(runs["it_energy_kwh"].sum())),
        "CPU + GPU + RAM as the files report them, the PUE they applied divided out",
    )
    components.kpi(
        cols[2],
        "Of which stands alone",
        units.energy(float(runs["standalone_it_energy_kwh"].sum())),
        "no bill covers it: counted in the footprint as measured",
    )
    st.caption(
        "CodeCarbon measures CPU and GPU power (RAPL, NVML) or, where it cannot, estimates it from the "
        "processor's TDP and the memory size; from version 2.2.3 its energies already include the PUE it "
        "was configured with, shown here and divided out. A run on a host a bill covers adds only its GPU "
        "energy, replacing the bill's modelled accelerator energy (and none where device telemetry of the "
        "same host overlaps it); its CPU and RAM stay modelled from the bill."
    )
    components.table(
        runs,
        name="codecarbon-runs",
        column_config={
            "duration_h": components.number_column("Duration (h)", 2),
            "gpu_count": components.number_column("GPUs", 0),
            "energy_consumed_kwh": components.number_column("Energy in file (kWh)", 3),
            "cpu_energy_kwh": components.number_column("CPU energy in file (kWh)", 3),
            "gpu_energy_kwh": components.number_column("GPU energy in file (kWh)", 3),
            "ram_energy_kwh": components.number_column("RAM energy in file (kWh)", 3),
            "pue_applied_in_file": components.number_column("PUE the file applied", 2),
            "it_energy_kwh": components.number_column("IT energy, PUE out (kWh)", 3),
            "standalone_it_energy_kwh": components.number_column("Stands alone (kWh)", 3),
            "batch_id": components.number_column("Batch", 0),
            "source_row": components.number_column("Row in file", 0),
        },
    )


sources = data.query("telemetry.measured_sources", f)
devices = data.query("telemetry_devices", f)
runs = data.query("telemetry.codecarbon_runs", f)
if sources.empty and devices.empty and runs.empty:
    st.info(
        "No measured energy in this scope: no device telemetry (nvidia-smi logs, DCGM exporter metrics) and "
        "no CodeCarbon runs match these filters. Widen the filters, or load telemetry on the Upload page."
    )
else:
    measured_totals(sources)
    st.subheader("Device telemetry (nvidia-smi, DCGM)")
    if devices.empty:
        st.caption("No device telemetry (nvidia-smi logs, DCGM exporter metrics) in this scope.")
    else:
        device_telemetry(devices)
    st.subheader("CodeCarbon runs")
    if runs.empty:
        st.caption("No CodeCarbon runs in this scope.")
    else:
        codecarbon(runs)

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
