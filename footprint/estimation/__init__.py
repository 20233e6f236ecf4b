"""Energy and Scope 2 estimation: footprint_items from the canonical tables, in SQL.

`refresh(con)` runs inside the pipeline transaction (footprint/pipeline.py) after attribution and
telemetry. It rewrites `footprint_items`, one row per billing line item and per unbilled telemetry
activity, with IT energy (low / central / high), the measured part, PUE, facility energy, location- and
market-based emissions, the spend-based estimate for what cannot be modelled, and the provenance of every
figure. The formulas live in footprint/sql/estimation/formulas.sql and are shared with the quick
calculator (`footprint.estimation.calculator`); docs/methodology.md is the method an auditor reads.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import duckdb

from footprint import METHODOLOGY_VERSION
from footprint.estimation.options import EstimationOptions, scope_statement
from footprint.sqlfiles import sql

__all__ = ["EstimationOptions", "install_formulas", "refresh", "scope_statement"]

STEP_FILES = ["estimation/01_usage", "estimation/02_factors", "estimation/03_emissions", "estimation/04_items"]
_PARAM = re.compile(r"\$([a-z_]+)")


def statements(name: str) -> list[str]:
    """The statements of an estimation .sql file (each ends with ';' at the end of a line)."""
    parts = re.split(r";[ \t]*(?:\n|$)", sql(name))
    return [p.strip() for p in parts if p.strip() and not _only_comments(p)]


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def install_formulas(con: duckdb.DuckDBPyConnection) -> None:
    """Create the formula macros (temporary, so read-only connections can use them too)."""
    for stmt in statements("estimation/formulas"):
        con.execute(stmt)


def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]) -> None:
    for stmt in statements(name):
        used = {k: params[k] for k in set(_PARAM.findall(stmt))}
        con.execute(stmt, used) if used else con.execute(stmt)


def refresh(con: duckdb.DuckDBPyConnection, options: EstimationOptions | None = None) -> int:
    """Recompute footprint_items; returns its row count. Options default to the FOOTPRINT_* settings."""
    if options is None:
        from footprint.settings import get_settings

        options = EstimationOptions.from_settings(get_settings())
    install_formulas(con)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _fp_pue_settings (provider VARCHAR, region_id VARCHAR, pue DOUBLE)"
    )
    for row in options.pue_override_rows():
        con.execute("INSERT INTO _fp_pue_settings VALUES (?, ?, ?)", list(row))
    params: dict[str, object] = {
        "scope": options.scope,
        "methodology_version": METHODOLOGY_VERSION,
        "count_claims": options.count_provider_renewable_claims,
    }
    for name in STEP_FILES:
        _run(con, name, params)
    items = int(con.execute("SELECT count(*) FROM footprint_items").fetchone()[0])  # type: ignore[index]
    con.execute(
        "INSERT INTO estimation_runs SELECT coalesce(max(run_id), 0) + 1, ?, ?, ?, ? FROM estimation_runs",
        [datetime.now(UTC).replace(tzinfo=None), METHODOLOGY_VERSION, options.as_json(), items],
    )
    for table in _TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return items


_TEMP_TABLES = [
    "_fp_billing", "_fp_cpu", "_fp_accel", "_fp_cpu_util", "_fp_coef", "_fp_storage", "_fp_measured",
    "_fp_usage", "_fp_pue", "_fp_zone", "_fp_loc_best", "_fp_provider_avg", "_fp_hourly_input", "_fp_hourly",
    "_fp_fac", "_fp_world", "_fp_location", "_fp_instruments", "_fp_market", "_fp_spend", "_fp_pue_settings",
]
