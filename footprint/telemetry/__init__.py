"""Measured energy from GPU telemetry, and how it meets the billing estimates.

Readers (ingest/telemetry) store device samples and work out each batch's energy per device and UTC hour
(`energy.compute`). This package's refresh step, run by footprint.pipeline after attribution and before
estimation, hands that measurement to the estimate with one rule and no double counting:

* measured accelerator energy that falls under a billed accelerated resource (same host / instance id,
  overlapping charge period) goes to `line_item_measured`; the estimation step uses it in place of the
  modelled accelerator energy of that row, while host CPU and memory stay modelled;
* measured energy that no bill covers (own hardware, cloud telemetry without its bill, CodeCarbon runs)
  goes to `telemetry_activity`, per batch, host / GPU group and hour (CodeCarbon: per run), attributed.

PUE is never applied here. `reconcile.reconciliation()` puts measured and modelled energy side by side.
"""

from __future__ import annotations

import duckdb

from footprint.sqlfiles import sql

__all__ = ["refresh"]

_TEMP = ("_tr_units", "_tr_match")


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild line_item_measured and telemetry_activity from the live batches (caller's transaction)."""
    con.execute("DELETE FROM line_item_measured")
    con.execute("DELETE FROM telemetry_activity")
    try:
        con.execute(sql("telemetry/refresh_units"))
        con.execute(sql("telemetry/refresh_match"))
        con.execute(sql("telemetry/refresh_outputs"))
        con.execute(sql("telemetry/refresh_activity"))
    finally:
        for table in _TEMP:
            con.execute(f"DROP TABLE IF EXISTS {table}")
