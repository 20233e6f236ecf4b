"""Building the aggregate tables: the last refresh step, and how stale a database's tables are.

The tables are rebuilt from `v_footprint` in the pipeline's transaction. `agg_meta` records the live
batches and a hash of the metric and table definitions they were built with, so a front end can tell
new data (the whole pipeline must run) from new definitions (rebuilding these tables is enough).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import duckdb

from footprint.metrics import METRICS, Metric
from footprint.sqlfiles import sql

# Every aggregate table, in build order, and the SQL file that builds it (its metric placeholders are
# filled from METRICS: the metric SQL over v_footprint, or the re-sum of those columns in a rollup).
TABLES: dict[str, str] = {
    "agg_footprint_day": "aggregates/footprint_day",
    "agg_footprint_month": "aggregates/footprint_month",  # rolled up from agg_footprint_day
    "agg_resource_day": "aggregates/resource_day",
    "agg_resource_month": "aggregates/resource_month",
    "agg_provenance_day": "aggregates/provenance_day",
    "agg_provenance_month": "aggregates/provenance_month",
    "agg_unmodelled_day": "aggregates/unmodelled_day",
    "agg_reconciliation_day": "aggregates/reconciliation_day",
    "agg_telemetry_hour": "aggregates/telemetry_hour",
    "agg_filter_values": "aggregates/filter_values",  # after agg_footprint_day, which it reads
}


def additive_metrics() -> list[Metric]:
    """Metrics stored as sums in agg_footprint_day (ratios are recomputed from them)."""
    return [m for m in METRICS if m.kind == "sum" and m.name != "billed_cost"]


def metrics_signature() -> str:
    """What the tables were built with: the metric definitions and the SQL of every aggregate table."""
    text = json.dumps([[m.name, m.sql, m.kind] for m in METRICS]) + "".join(sql(n) for n in TABLES.values())
    return hashlib.sha256(text.encode()).hexdigest()


def _batches_signature(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT coalesce(string_agg(CAST(batch_id AS VARCHAR), ',' ORDER BY batch_id), '') "
        "FROM ingest_batches WHERE superseded_by IS NULL"
    ).fetchone()
    return str(row[0]) if row else ""


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every aggregate table from v_footprint (runs inside the pipeline's transaction)."""
    metrics = ",\n    ".join(f"{m.sql} AS {m.name}" for m in additive_metrics())
    metric_sums = ",\n    ".join(f"sum({m.name}) AS {m.name}" for m in additive_metrics())
    for name in TABLES.values():
        con.execute(sql(name).replace("{metrics}", metrics).replace("{metric_sums}", metric_sums))
    rows = con.execute("SELECT count(*) FROM v_footprint").fetchone()
    con.execute("DELETE FROM agg_meta")
    con.execute(
        "INSERT INTO agg_meta VALUES (?, ?, ?, ?)",
        [
            datetime.now(UTC).replace(tzinfo=None),
            metrics_signature(),
            _batches_signature(con),
            rows[0] if rows else 0,
        ],
    )


def staleness(con: duckdb.DuckDBPyConnection) -> str | None:
    """None when the aggregates are current; 'definitions' when only this module's metric or table
    definitions changed (`refresh` alone rebuilds them); 'data' when the loaded batches changed since
    (the whole pipeline must run first)."""
    try:
        row = con.execute("SELECT metrics_signature, batches_signature FROM agg_meta").fetchone()
    except duckdb.CatalogException:
        return "data"
    if not row or row[1] != _batches_signature(con):
        return "data"
    return None if row[0] == metrics_signature() else "definitions"


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the aggregates exist and were built from the live batches with today's metric definitions."""
    return staleness(con) is None
