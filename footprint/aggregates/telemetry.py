"""Measured GPU telemetry per device and hour, and measured vs modelled energy per billed resource."""

from __future__ import annotations

import duckdb
import pandas as pd

from footprint.aggregates.select import grouped, sums
from footprint.queries import Filters


def telemetry_devices(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Measured energy, covered hours and average power per host and GPU."""
    keys = [
        "host",
        "gpu",
        "coalesce(accelerator_model, 'unknown') AS accelerator",
        "team",
        "model",
        "workload",
    ]
    values = [
        "sum(energy_kwh) AS energy_kwh",
        "sum(covered_s) / 3600 AS covered_h",
        "3600000 * sum(energy_kwh) / nullif(sum(covered_s), 0) AS avg_power_w",
        "string_agg(DISTINCT method, ', ') AS method",
    ]
    return grouped(con, "agg_telemetry_hour", filters, keys, values, order="energy_kwh DESC, 1, 2")


def telemetry_power(con: duckdb.DuckDBPyConnection, filters: Filters, by: str = "host") -> pd.DataFrame:
    """Average measured power per hour, per host (all its GPUs) or per device ('host / gpu')."""
    key = {"host": "host", "device": "host || ' / GPU ' || gpu"}[by]
    values = [
        "3600000 * sum(energy_kwh) / nullif(max(covered_s), 0) AS power_w",
        "sum(energy_kwh) AS energy_kwh",
    ]
    return grouped(con, "agg_telemetry_hour", filters, ["bucket_start", f"{key} AS {by}"], values)


def reconciliation(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Measured vs modelled accelerator energy per billed resource the telemetry covered."""
    values = [
        "string_agg(DISTINCT model, ', ') AS model",
        *sums(
            "billed_device_hours",
            "measured_device_hours",
            "measured_energy_kwh",
            "modelled_same_hours_kwh",
            "modelled_row_accelerator_energy_kwh",
        ),
        "CASE WHEN sum(modelled_same_hours_kwh) > 0 THEN sum(measured_energy_kwh) / sum(modelled_same_hours_kwh) "
        "END AS measured_to_modelled",
    ]
    return grouped(
        con, "agg_reconciliation_day", filters, ["resource_id"], values, order="measured_energy_kwh DESC, 1"
    )


# Every footprint row that carries measured energy, with how it entered the footprint and which kind of
# telemetry measured it: a bill row's measured_energy_kwh is accelerator energy that replaced the modelled
# figure (line_item_measured), a telemetry row's is measured energy no bill covers (telemetry_activity).
# telemetry_batches names the batches behind a row; a batch in codecarbon_runs is CodeCarbon, any other
# telemetry batch is device telemetry (nvidia-smi, DCGM).
_MEASURED_ROWS = """(
    SELECT f.*, CAST(string_split(f.telemetry_batches, ',') AS INTEGER[]) AS measured_batch_ids
    FROM v_footprint f
    WHERE f.measured_energy_kwh <> 0
) AS measured, (SELECT coalesce(list(DISTINCT batch_id), []) AS codecarbon_batch_ids FROM codecarbon_runs) AS cc"""
ENTERED_BILL = "replaced modelled accelerator energy of a billed resource"
ENTERED_ALONE = "stands alone (no bill covers it)"
DEVICE, CODECARBON, BOTH = "device telemetry", "CodeCarbon", "device telemetry + CodeCarbon"


def measured_sources(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Measured IT energy in the footprint under the filters, by how it entered and what measured it.

    The rows add up to sum(measured_energy_kwh) of the footprint for the same filters (the Overview's
    'measured by telemetry'). `energy_kwh` is those rows' whole IT energy (a bill row's CPU and memory stay
    modelled) and `modelled_accelerator_energy_kwh` what the model gave the billed accelerators."""
    keys = [
        f"CASE WHEN source = 'billing' THEN '{ENTERED_BILL}' ELSE '{ENTERED_ALONE}' END AS entered",
        f"CASE WHEN list_has_all(codecarbon_batch_ids, measured_batch_ids) THEN '{CODECARBON}' "
        f"WHEN list_has_any(measured_batch_ids, codecarbon_batch_ids) THEN '{BOTH}' "
        f"ELSE '{DEVICE}' END AS measured_by",
    ]
    values = [
        "count(*) AS footprint_rows",
        "count(DISTINCT resource_id) AS resources",
        "fp_sum(measured_energy_kwh) AS measured_energy_kwh",
        "fp_sum(energy_kwh) AS energy_kwh",
        "fp_sum(modelled_accelerator_energy_kwh) AS modelled_accelerator_energy_kwh",
    ]
    return grouped(con, _MEASURED_ROWS, filters, keys, values, date_column="charge_period_start")


# CodeCarbon runs of the live batches with what the footprint made of each: the part no bill covers is a
# telemetry_activity row of its own (one per run, from run start to end), with the attribution the refresh
# resolved (labels, flags, then the telemetry mapping); the rest fell under bill rows of the same host.
# The columns the filters read are named as in v_footprint (a run starts on its charge day).
_CODECARBON_RUNS = """(
    SELECT
        r.host, r.run_start AS charge_period_start, r.run_start, r.run_end, r.duration_s / 3600.0 AS duration_h,
        r.project_name, r.run_id,
        coalesce(a.provider, r.provider, 'unknown') AS provider, coalesce(a.region_id, r.region_id) AS region_id,
        CAST(NULL AS VARCHAR) AS service_name, r.accelerator_model, r.gpu_count,
        coalesce(a.team, r.team, 'unattributed') AS team, coalesce(a.model, r.model, 'unattributed') AS model,
        coalesce(a.workload, r.workload, 'unknown') AS workload,
        CAST(r.energy_consumed_kwh AS DOUBLE) AS energy_consumed_kwh, CAST(r.cpu_energy_kwh AS DOUBLE) AS cpu_energy_kwh,
        CAST(r.gpu_energy_kwh AS DOUBLE) AS gpu_energy_kwh, CAST(r.ram_energy_kwh AS DOUBLE) AS ram_energy_kwh,
        CASE WHEN r.pue_included THEN r.pue_in_source END AS pue_applied_in_file,
        CASE WHEN r.pue_included AND r.pue_in_source > 0 THEN CAST(r.energy_consumed_kwh AS DOUBLE) / r.pue_in_source
             ELSE CAST(r.energy_consumed_kwh AS DOUBLE) END AS it_energy_kwh,
        CASE WHEN a.pue_included AND a.pue_in_source > 0 THEN a.energy_kwh / a.pue_in_source
             ELSE coalesce(a.energy_kwh, 0) END AS standalone_it_energy_kwh,
        r.batch_id, r.source_row
    FROM codecarbon_runs r
    JOIN ingest_batches b ON b.batch_id = r.batch_id AND b.superseded_by IS NULL
    LEFT JOIN telemetry_activity a
      ON a.batch_id = r.batch_id AND a.source_format = 'codecarbon' AND a.period_start = r.run_start
     AND a.period_end = r.run_end AND a.host IS NOT DISTINCT FROM r.host
) AS runs"""


def codecarbon_runs(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """CodeCarbon runs in scope: host, start and end (UTC), energies as the file gives them (CPU, GPU, RAM,
    with the PUE the file applied), IT energy (PUE divided out) and the part that stands alone in the
    footprint because no bill covers it."""
    columns = [
        "host", "run_start", "run_end", "duration_h", "team", "model", "workload", "provider", "region_id",
        "accelerator_model", "gpu_count", "energy_consumed_kwh", "cpu_energy_kwh", "gpu_energy_kwh",
        "ram_energy_kwh", "pue_applied_in_file", "it_energy_kwh", "standalone_it_energy_kwh", "project_name",
        "run_id", "batch_id", "source_row",
    ]  # fmt: skip
    where, params = filters.where()
    query = f"SELECT {', '.join(columns)} FROM {_CODECARBON_RUNS} WHERE {where} ORDER BY run_start, host, batch_id, source_row"
    return con.execute(query, params).df()
