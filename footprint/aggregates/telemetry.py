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
