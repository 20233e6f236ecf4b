"""Refresh of every derived table after data or reference inputs change.

Ingest writes canonical rows only; this module recomputes what is derived from them (attribution,
estimates, measured energy, per-model ledger, dashboard aggregates) in a fixed order, in one transaction,
so no page ever recomputes and no reader sees half-refreshed tables.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable

import duckdb

# Modules with a `refresh(con)` function, in dependency order.
STEPS: list[str] = [
    "footprint.attribution",  # first: team, model, workload of every billing row
    "footprint.telemetry",  # measured energy matched to bill rows, and what no bill covers
    "footprint.estimation",  # after footprint.attribution and footprint.telemetry: reads their tables
    "footprint.ledger",  # per-model ledger, from footprint_items and inference_requests
    "footprint.aggregates",  # last: the dashboard's pre-aggregated tables, from everything above
]


def refresh(
    con: duckdb.DuckDBPyConnection, progress: Callable[[str, float], None] | None = None
) -> dict[str, float]:
    """Run every refresh step in one transaction; returns seconds per step."""
    timings: dict[str, float] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for i, name in enumerate(STEPS):
            if progress:
                progress(name, i / max(len(STEPS), 1))
            started = time.monotonic()
            importlib.import_module(name).refresh(con)
            timings[name] = time.monotonic() - started
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if progress:
        progress("done", 1.0)
    return timings
