"""Energy and Scope 2 estimation: footprint_items from the canonical tables, in SQL.

`refresh(con)` runs inside the pipeline transaction (footprint/pipeline.py) after attribution and
telemetry. It rewrites `footprint_items`, one row per billing line item and per unbilled telemetry
activity, with IT energy (low / central / high), the measured part, PUE, facility energy, location- and
market-based emissions, the spend-based estimate for what cannot be modelled, and the provenance of every
figure. `refresh_incremental(con, delta)` rewrites only the items of added or removed batches (and of rows
whose measured energy changed), then re-applies what is not row-local: the contractual instruments whose
eligible energy changed and the spend-based ratios. Every figure is computed by the same SQL either way.
The formulas live in footprint/sql/estimation/formulas.sql and are shared with the quick calculator
(`footprint.estimation.calculator`); docs/methodology.md is the method an auditor reads.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb

from footprint import METHODOLOGY_VERSION
from footprint.estimation.options import EstimationOptions, scope_statement
from footprint.sqlfiles import sql

if TYPE_CHECKING:
    from footprint.pipeline import Delta

__all__ = ["EstimationOptions", "install_formulas", "refresh", "refresh_incremental", "scope_statement"]

STEP_FILES = [
    "estimation/10_dims",
    "estimation/20_items",
    "estimation/30_instruments",
    "estimation/40_spend",
]
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


def _exec(con: duckdb.DuckDBPyConnection, stmt: str, params: dict[str, object]) -> None:
    used = {k: params[k] for k in set(_PARAM.findall(stmt))}
    con.execute(stmt, used) if used else con.execute(stmt)


def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object], **slots: str) -> None:
    for stmt in statements(name):
        for slot, text in slots.items():
            stmt = stmt.replace(f"@@{slot}@@", text)
        _exec(con, stmt, params)


def _prepare(con: duckdb.DuckDBPyConnection, options: EstimationOptions | None) -> dict[str, object]:
    if options is None:
        from footprint.settings import get_settings

        options = EstimationOptions.from_settings(get_settings())
    install_formulas(con)
    for stmt in statements("estimation/market"):
        con.execute(stmt)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _fp_pue_settings (provider VARCHAR, region_id VARCHAR, pue DOUBLE)"
    )
    for row in options.pue_override_rows():
        con.execute("INSERT INTO _fp_pue_settings VALUES (?, ?, ?)", list(row))
    return {
        "scope": options.scope,
        "methodology_version": METHODOLOGY_VERSION,
        "count_claims": options.count_provider_renewable_claims,
        "options_json": options.as_json(),
    }


def _write_items(
    con: duckdb.DuckDBPyConnection, params: dict[str, object], scope: str, telemetry: bool, small: bool
) -> None:
    """Insert the items of the billing rows `scope` selects and, if `telemetry`, of every telemetry activity.

    `small`: materialise the rows in scope once (an incremental refresh) instead of reading them through a
    view (a full refresh, where a copy of every row would cost more than reading it again)."""
    kind = "TABLE" if small else "VIEW"
    _drop(con, ["_fp_target"])
    con.execute(f"CREATE TEMP {kind} _fp_target AS " + sql("estimation/target").replace("@@scope@@", scope))
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _fp_activity AS SELECT * FROM telemetry_activity WHERE "
        + ("TRUE" if telemetry else "FALSE")
    )
    _run(con, "estimation/10_dims", params)
    _run(
        con, "estimation/mkey", params, keys="SELECT provider, region_id, grid_zone, usage_year FROM _fp_loc"
    )
    _run(con, "estimation/20_items", params, emissions=sql("estimation/emissions"))


def _apply_instruments(con: duckdb.DuckDBPyConnection, params: dict[str, object], incremental: bool) -> None:
    """Contractual instruments over every item, or (`incremental`) over those incremental_scope.sql picks."""
    row = con.execute("SELECT count(*) FROM input_instruments").fetchone()
    if not row or not row[0]:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _fp_ins_changed AS SELECT CAST(NULL AS TIMESTAMP) AS "
            "charge_period_start, CAST(NULL AS TIMESTAMP) AS charge_period_end WHERE false"
        )
        return
    items = "SELECT * FROM footprint_items"
    if incremental:
        _run(con, "estimation/incremental_scope", params)
        items = "SELECT f.* FROM footprint_items f SEMI JOIN _fp_ins_scope s USING (item_id)"
    con.execute(f"CREATE OR REPLACE TEMP VIEW _fp_ins_items AS {items}")
    keys = "SELECT provider, region_id, grid_zone, usage_year FROM _fp_ins_items"
    _run(con, "estimation/mkey", params, keys=keys)
    _run(con, "estimation/30_instruments", params)


def _finish(con: duckdb.DuckDBPyConnection, params: dict[str, object]) -> int:
    _run(con, "estimation/40_spend", params)
    items = int(con.execute("SELECT count(*) FROM footprint_items").fetchone()[0])  # type: ignore[index]
    con.execute(
        "INSERT INTO estimation_runs SELECT coalesce(max(run_id), 0) + 1, ?, ?, ?, ? FROM estimation_runs",
        [datetime.now(UTC).replace(tzinfo=None), METHODOLOGY_VERSION, params["options_json"], items],
    )
    return items


def _drop(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Drop the temp tables and views of `names` that exist."""
    found = con.execute(
        "SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE temporary AND list_contains(?, table_name) "
        "UNION ALL SELECT view_name, 'VIEW' FROM duckdb_views() WHERE temporary AND list_contains(?, view_name)",
        [names, names],
    ).fetchall()
    for name, kind in found:
        con.execute(f"DROP {kind} IF EXISTS {name}")


def _cleanup(con: duckdb.DuckDBPyConnection) -> None:
    _drop(con, _TEMPS)


def refresh(con: duckdb.DuckDBPyConnection, options: EstimationOptions | None = None) -> int:
    """Recompute footprint_items; returns its row count. Options default to the FOOTPRINT_* settings."""
    params = _prepare(con, options)
    con.execute("DELETE FROM refresh_state")  # derived tables change; the pipeline records its own runs
    con.execute("DELETE FROM footprint_items")
    _write_items(con, params, "TRUE", telemetry=True, small=False)
    _apply_instruments(con, params, incremental=False)
    items = _finish(con, params)
    _cleanup(con)  # on failure the caller rolls back, and the temp tables with it
    return items


def refresh_incremental(
    con: duckdb.DuckDBPyConnection, delta: Delta, options: EstimationOptions | None = None
) -> int:
    """Rewrite the items `delta` touches; returns footprint_items' row count.

    Reads the pipeline's temp tables _refresh_added / _refresh_removed (batch ids) and _refresh_rows
    (billing rows whose measured energy changed); rewrites every telemetry item when
    `delta.telemetry_changed`. Appends the periods of every item it deleted, wrote or whose market-based
    figures changed to _refresh_spans, and the days of rows whose spend-based figures changed to
    _refresh_spend_days, for the ledger and the aggregates.
    """
    params = _prepare(con, options)
    rows = "SELECT row_id FROM _refresh_rows"
    batches = "SELECT batch_id FROM _refresh_added UNION ALL SELECT batch_id FROM _refresh_removed"
    gone = f"(source = 'billing' AND (batch_id IN ({batches}) OR row_id IN ({rows})))"
    if delta.telemetry_changed:
        gone = f"({gone} OR source = 'telemetry')"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _fp_gone AS SELECT item_id, charge_period_start, charge_period_end, "
        f"provider, region_id, grid_zone, facility_energy_kwh FROM footprint_items WHERE {gone}"
    )
    con.execute(f"DELETE FROM footprint_items WHERE {gone}")
    scope = f"(b.batch_id IN (SELECT batch_id FROM _refresh_added) OR b.row_id IN ({rows}))"
    _write_items(con, params, scope, telemetry=delta.telemetry_changed, small=True)
    new = f"(source = 'billing' AND (batch_id IN (SELECT batch_id FROM _refresh_added) OR row_id IN ({rows})))"
    if delta.telemetry_changed:
        new = f"({new} OR source = 'telemetry')"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _fp_new AS SELECT item_id, charge_period_start, charge_period_end, "
        f"provider, region_id, grid_zone, facility_energy_kwh FROM footprint_items WHERE {new}"
    )
    _apply_instruments(con, params, incremental=True)
    items = _finish(con, params)
    con.execute(
        "INSERT INTO _refresh_spans "
        "SELECT charge_period_start, charge_period_end FROM _fp_gone UNION ALL "
        "SELECT charge_period_start, charge_period_end FROM _fp_new UNION ALL "
        "SELECT charge_period_start, charge_period_end FROM _fp_ins_changed"
    )
    con.execute(
        "INSERT INTO _refresh_spend_days SELECT DISTINCT CAST(charge_period_start AS DATE) FROM _fp_spend_changed"
    )
    _cleanup(con)
    return items


_TEMPS = [
    "_fp_target",
    "_fp_activity",
    "_fp_ins_items",
    "_fp_instance",
    "_fp_text",
    "_fp_workloads",
    "_fp_cpu",
    "_fp_accel",
    "_fp_cpu_util",
    "_fp_coef",
    "_fp_measured",
    "_fp_lkeys",
    "_fp_pue",
    "_fp_zone",
    "_fp_loc_best",
    "_fp_provider_avg",
    "_fp_world",
    "_fp_loc",
    "_fp_hourly_input",
    "_fp_hourly",
    "_fp_mkey",
    "_fp_ins_elig",
    "_fp_ins_total",
    "_fp_ins_alloc",
    "_fp_ins_update",
    "_fp_ins_changed",
    "_fp_ins_scope",
    "_fp_spend",
    "_fp_spend_changed",
    "_fp_gone",
    "_fp_new",
    "_fp_pue_settings",
]
