"""Building the aggregate tables: the last refresh step, and how stale a database's tables are.

The tables are rebuilt from `v_footprint` in the pipeline's transaction: whole (`refresh`), or, after
batches were added or removed, just the days the estimation touched (`refresh_incremental`). Every sum
is exact (DECIMAL, then written as DOUBLE), so a table does not depend on the order threads add in and
the two ways give the same rows. `agg_meta` records the live batches and a hash of the metric and table
definitions they were built with, so a front end can tell new data (the whole pipeline must run) from
new definitions (rebuilding these tables is enough).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb

from footprint.metrics import METRICS, Metric
from footprint.sqlfiles import sql

if TYPE_CHECKING:
    from footprint.pipeline import Delta

# Every aggregate table, in build order, and the SQL file that builds it (its metric placeholders are
# filled from METRICS). agg_footprint_day and agg_resource_day are read off _agg_fine (fine.sql).
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
DAY_TABLES = (
    "agg_footprint_day",
    "agg_resource_day",
    "agg_provenance_day",
    "agg_unmodelled_day",
    "agg_reconciliation_day",
)
MONTH_TABLES = ("agg_footprint_month", "agg_resource_month", "agg_provenance_month")
_SPEND_COLUMN = re.compile(r"\bspend_based_\w+")


def additive_metrics() -> list[Metric]:
    """Metrics stored as sums in agg_footprint_day (ratios are recomputed from them)."""
    return [m for m in METRICS if m.kind == "sum" and m.name != "billed_cost"]


def _inner_sum(m: Metric) -> str | None:
    """The expression E of a metric written sum(E); None for count(*) metrics; ValueError otherwise."""
    text = " ".join(m.sql.split())
    if re.fullmatch(r"count\(\*\)(?: FILTER \(WHERE [^;]*\))?", text):
        return None
    match = re.fullmatch(r"sum\((.*)\)", text)
    depth = 0
    for ch in match.group(1) if match else "(":
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if not match or depth != 0:
        raise ValueError(
            f"metric {m.name!r}: an additive metric is sum(<expression>) or count(*), not {m.sql!r}"
        )
    return match.group(1)


def _kinds(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """'count', 'decimal' (money, already exact) or 'double' for each additive metric."""
    metrics = additive_metrics()
    cur = con.execute(
        "SELECT " + ", ".join(f"{m.sql} AS {m.name}" for m in metrics) + " FROM v_footprint LIMIT 0"
    )
    kinds = {}
    for m, column in zip(metrics, cur.description, strict=True):
        decimal = str(column[1]).startswith("DECIMAL")
        kinds[m.name] = "count" if _inner_sum(m) is None else "decimal" if decimal else "double"
    return kinds


def _slots(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The metric placeholders of the table SQL, one expression per additive metric."""
    kinds = _kinds(con)
    exact, day, resource, month, spend_sums, spend_resums, spend_set = [], [], [], [], [], [], []
    for m in additive_metrics():
        inner, kind = _inner_sum(m), kinds[m.name]
        if kind != "double":
            exact.append(f"{m.sql} AS {m.name}")
            day.append(
                f"CAST(sum({m.name}) AS BIGINT) AS {m.name}"
                if kind == "count"
                else f"sum({m.name}) AS {m.name}"
            )
            resource.append(m.name)
            month.append(f"sum({m.name}) AS {m.name}")
            continue
        exact.append(f"sum(CAST({inner} AS DECIMAL(38, 18))) AS {m.name}")
        day.append(f"CAST(sum({m.name}) AS DOUBLE) AS {m.name}")
        resource.append(f"CAST({m.name} AS DOUBLE) AS {m.name}")
        month.append(f"fp_sum({m.name}) AS {m.name}")
        if _SPEND_COLUMN.search(inner or ""):
            spend_sums.append(f"sum(CAST({inner} AS DECIMAL(38, 18))) AS {m.name}")
            spend_resums.append(f"sum({m.name}) AS {m.name}")
            spend_set.append(f"{m.name} = CAST(s.{m.name} AS DOUBLE)")
    return {
        "exact_metrics": ",\n    ".join(exact),
        "day_metrics": ",\n    ".join(day),
        "resource_metrics": ",\n    ".join(resource),
        "month_metrics": ",\n    ".join(month),
        "spend_sums": ",\n    ".join(spend_sums),
        "spend_resums": ", ".join(spend_resums),
        "spend_set": ", ".join(spend_set),
    }


def _text(name: str, slots: dict[str, str], where: str = "TRUE") -> str:
    """The SQL of `name` with its placeholders filled (comment lines are left as written)."""
    slots = {**slots, "where": where}
    lines = []
    for line in sql(name).splitlines():
        if not line.lstrip().startswith("--"):
            for slot, value in slots.items():
                line = line.replace("{" + slot + "}", value)
        lines.append(line)
    return "\n".join(lines)


def metrics_signature() -> str:
    """What the tables were built with: the metric definitions and the SQL of every aggregate table."""
    names = [*TABLES.values(), "aggregates/fine", "aggregates/spend"]
    text = json.dumps([[m.name, m.sql, m.kind] for m in METRICS]) + "".join(sql(n) for n in names)
    return hashlib.sha256(text.encode()).hexdigest()


def _batches_signature(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT coalesce(string_agg(CAST(batch_id AS VARCHAR), ',' ORDER BY batch_id), '') "
        "FROM ingest_batches WHERE superseded_by IS NULL"
    ).fetchone()
    return str(row[0]) if row else ""


def _date_column(table: str) -> str:
    return "charge_month" if table.endswith("_month") else "charge_day"


def _record(con: duckdb.DuckDBPyConnection) -> None:
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


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every aggregate table from v_footprint (runs inside the pipeline's transaction)."""
    slots = _slots(con)
    con.execute(_text("aggregates/fine", slots))
    for table, name in TABLES.items():
        order = "" if table == "agg_filter_values" else f" ORDER BY {_date_column(table)}"
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {_text(name, slots)}{order}")
    con.execute("DROP TABLE IF EXISTS _agg_fine")
    _record(con)


def _can_update(con: duckdb.DuckDBPyConnection, delta: Delta) -> bool:
    """Whether the tables exist and were built, with today's definitions, from the batches the last
    pipeline refresh saw (else an incremental update would build on something else)."""
    present = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE NOT temporary AND list_contains(?, table_name)",
        [list(TABLES)],
    ).fetchone()
    row = con.execute("SELECT metrics_signature, batches_signature FROM agg_meta").fetchone()
    previous = ",".join(str(b) for b in sorted(delta.previous_batches))
    return bool(
        present and present[0] == len(TABLES) and row and row[0] == metrics_signature() and row[1] == previous
    )


def refresh_incremental(con: duckdb.DuckDBPyConnection, delta: Delta) -> None:
    """Rewrite the days the estimation touched (_refresh_spans), the spend-based columns of the days where
    only those changed (_refresh_spend_days), the months of both, and the small whole tables."""
    if not _can_update(con, delta):
        refresh(con)
        return
    slots = _slots(con)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _agg_days AS "
        "SELECT DISTINCT CAST(charge_period_start AS DATE) AS day FROM _refresh_spans"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _agg_spend_days AS "
        "SELECT day FROM _refresh_spend_days EXCEPT SELECT day FROM _agg_days"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _agg_months AS SELECT DISTINCT CAST(date_trunc('month', day) AS DATE) AS month "
        "FROM (SELECT day FROM _agg_days UNION ALL SELECT day FROM _agg_spend_days)"
    )
    for days, rewrite in (("_agg_days", _rewrite_days), ("_agg_spend_days", _rewrite_spend)):
        bounds = con.execute(f"SELECT min(day), max(day) FROM {days}").fetchone()
        if bounds and bounds[0] is not None:
            where = (
                f"charge_period_start >= CAST(? AS DATE) AND charge_period_start < CAST(? AS DATE) + INTERVAL 1 DAY "
                f"AND CAST(charge_period_start AS DATE) IN (SELECT day FROM {days})"
            )
            rewrite(con, slots, where, [bounds[0], bounds[1]])
    if con.execute("SELECT count(*) FROM _agg_months").fetchone()[0]:  # type: ignore[index]
        for table in MONTH_TABLES:
            con.execute(f"DELETE FROM {table} WHERE charge_month IN (SELECT month FROM _agg_months)")
            where = "CAST(date_trunc('month', charge_day) AS DATE) IN (SELECT month FROM _agg_months)"
            con.execute(f"INSERT INTO {table} BY NAME {_text(TABLES[table], slots, where)}")
    whole = ["agg_filter_values", *(["agg_telemetry_hour"] if delta.telemetry_batches_changed else [])]
    for table in whole:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {_text(TABLES[table], slots)}")
    for table in ("_agg_days", "_agg_spend_days", "_agg_months", "_agg_fine", "_agg_spend"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    _record(con)


def _rewrite_days(
    con: duckdb.DuckDBPyConnection, slots: dict[str, str], where: str, params: list[object]
) -> None:
    """Every day table's rows of the days `where` selects, rebuilt from v_footprint."""
    con.execute(_text("aggregates/fine", slots, where), params)
    for table in DAY_TABLES:
        con.execute(f"DELETE FROM {table} WHERE charge_day IN (SELECT day FROM _agg_days)")
        text = _text(TABLES[table], slots, where)
        con.execute(f"INSERT INTO {table} BY NAME {text}", params if "?" in text else [])


def _rewrite_spend(
    con: duckdb.DuckDBPyConnection, slots: dict[str, str], where: str, params: list[object]
) -> None:
    """The spend-based figures of the days `where` selects (nothing else changed on them)."""
    if not slots["spend_sums"]:
        return
    for stmt in (s for s in _text("aggregates/spend", slots, where).split(";\n") if s.strip()):
        con.execute(stmt, params if "?" in stmt else [])
    spend_where = f"method = 'spend_based' AND {where}"
    for table in ("agg_provenance_day", "agg_unmodelled_day"):
        con.execute(
            f"DELETE FROM {table} WHERE method = 'spend_based' AND charge_day IN (SELECT day FROM _agg_spend_days)"
        )
        con.execute(f"INSERT INTO {table} BY NAME {_text(TABLES[table], slots, spend_where)}", params)


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
