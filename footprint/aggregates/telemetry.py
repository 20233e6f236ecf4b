"""Measured GPU telemetry per device and hour, and measured vs modelled energy per billed resource."""

from __future__ import annotations

import duckdb
import pandas as pd

from footprint.aggregates.select import grouped, sums
from footprint.queries import Filters
from footprint.sqlfiles import sql


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


def _sql_item(name: str) -> str:
    """A FROM item kept in a .sql file (its leading comment lines end in newlines, so it nests as is)."""
    return sql(name).strip()


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
    rows = _sql_item("aggregates/measured_rows")
    return grouped(con, rows, filters, keys, values, date_column="charge_period_start")


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
    runs = _sql_item("aggregates/codecarbon_runs")
    query = f"SELECT {', '.join(columns)} FROM {runs} WHERE {where} ORDER BY run_start, host, batch_id, source_row"
    return con.execute(query, params).df()
