"""Measured vs modelled accelerator energy, per billed resource and per model.

Users of billing-based calculators ask why measured and estimated energy disagree; this answers it where
both exist. It reads the estimation's `footprint_items` (the rows where telemetry replaced the modelled
accelerator energy) and compares the measurement with the model's energy for the same device-hours. The
ratio shows how far the power model's utilisation assumption is from what the GPUs drew.
"""

from __future__ import annotations

from typing import Any

import duckdb

from footprint.sqlfiles import sql

GROUPS = ("resource", "model")


def reconciliation(con: duckdb.DuckDBPyConnection, group: str = "resource") -> list[dict[str, Any]]:
    """One dict per billed resource (group='resource') or model (group='model'); units in the keys."""
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}; choose from {', '.join(GROUPS)}")
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'footprint_items'"
    ).fetchone()
    if not exists or not exists[0]:
        raise RuntimeError("footprint_items is missing: run the refresh pipeline first")
    cur = con.execute(sql("telemetry/reconcile"), {"group": group})
    cols = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        item = dict(zip(cols, row, strict=True))
        item[group] = item.pop("key")
        out.append(item)
    return out


def reconciliation_summary(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    """Both views at once: {'per_resource': [...], 'per_model': [...]}."""
    return {"per_resource": reconciliation(con, "resource"), "per_model": reconciliation(con, "model")}
