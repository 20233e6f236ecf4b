"""Pre-aggregated tables the dashboard reads, and the queries over them.

A bill of ten million line items cannot be re-summed on every page view. The last refresh step sums
`v_footprint` per UTC day and per combination of the filterable dimensions (provider, region, service,
team, model, workload, accelerator, currency): a few hundred rows a day. Filters are whole days, so
filtering and grouping these tables gives exactly what `footprint.queries.summary()` gives on the line
items; the metric columns are the additive metrics of `footprint.metrics.METRICS`, so a number is still
defined in one place. Nothing here estimates anything: it only re-adds what the estimation produced.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from footprint.metrics import METRICS, Metric
from footprint.queries import DIMENSIONS, FILTER_COLUMNS, Filters
from footprint.sqlfiles import sql

# Aggregate tables whose metric columns follow METRICS: table -> SQL file.
METRIC_TABLES: dict[str, str] = {
    "agg_footprint_day": "aggregates/footprint_day",
    "agg_resource_day": "aggregates/resource_day",
}

# Group-by dimensions over the aggregate tables (the same expressions as over v_footprint).
AGG_DIMENSIONS: dict[str, str] = {
    d: DIMENSIONS[d] for d in ("provider", "region", "service", "team", "model", "workload", "accelerator")
}
GRAINS: dict[str, str] = {
    "day": "charge_day",
    "week": "CAST(date_trunc('week', charge_day) AS DATE)",
    "month": "CAST(date_trunc('month', charge_day) AS DATE)",
}
DATE_COLUMN = "charge_day"


def additive_metrics() -> list[Metric]:
    """Metrics stored as sums in the aggregate tables (ratios are recomputed from them)."""
    return [m for m in METRICS if m.kind == "sum" and m.name != "billed_cost"]


def _metric_columns() -> str:
    return ",\n    ".join(f"{m.sql} AS {m.name}" for m in additive_metrics())


def _reaggregate(m: Metric) -> str:
    """SQL re-adding one metric over aggregate rows."""
    if m.kind == "sum":
        return f"sum({m.name})"
    num = getattr(m, "numerator", None)
    den = getattr(m, "denominator", None)
    if not (num and den):
        raise ValueError(f"ratio metric {m.name!r} names no numerator/denominator to recompute it from")
    return f"sum({num}) / nullif(sum({den}), 0)"


def _metric_select() -> str:
    return ", ".join(f"{_reaggregate(m)} AS {m.name}" for m in METRICS)


def metrics_signature() -> str:
    return json.dumps([[m.name, m.sql, m.kind] for m in METRICS])


def _batches_signature(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT coalesce(string_agg(CAST(batch_id AS VARCHAR), ',' ORDER BY batch_id), '') "
        "FROM ingest_batches WHERE superseded_by IS NULL"
    ).fetchone()
    return str(row[0]) if row else ""


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every aggregate table from v_footprint (runs inside the pipeline's transaction)."""
    metrics = _metric_columns()
    for name in METRIC_TABLES.values():
        con.execute(sql(name).format(metrics=metrics))
    rows = con.execute("SELECT count(*) FROM v_footprint").fetchone()
    con.execute("DELETE FROM agg_meta")
    con.execute(
        "INSERT INTO agg_meta VALUES (?, ?, ?, ?)",
        [datetime.now(UTC).replace(tzinfo=None), metrics_signature(), _batches_signature(con), rows[0] if rows else 0],
    )


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the aggregates exist and were built from the live batches with today's metric definitions."""
    try:
        row = con.execute("SELECT metrics_signature, batches_signature FROM agg_meta").fetchone()
    except duckdb.CatalogException:
        return False
    return bool(row) and row[0] == metrics_signature() and row[1] == _batches_signature(con)


# ---------------------------------------------------------------------------------------------- queries


def _keys(by: list[str], grain: str | None) -> list[str]:
    unknown = [d for d in by if d not in AGG_DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension {unknown[0]!r}; choose from {', '.join(AGG_DIMENSIONS)}")
    if grain is not None and grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}; choose from {', '.join(GRAINS)}")
    keys = [f"{GRAINS[grain]} AS period"] if grain else []
    return keys + [f"{AGG_DIMENSIONS[d]} AS {d}" for d in by]


def _grouped(select: str, table: str, f: Filters, keys: list[str], extra_group: int = 0) -> tuple[str, list[Any]]:
    where, params = f.where(date_column=DATE_COLUMN)
    n = len(keys) + extra_group
    group = f"GROUP BY {', '.join(str(i + 1) for i in range(n))} ORDER BY {', '.join(str(i + 1) for i in range(n))}"
    return f"SELECT {', '.join([*keys, select])} FROM {table} WHERE {where} {group if n else ''}", params


def totals(
    con: duckdb.DuckDBPyConnection, filters: Filters, by: list[str] | None = None, grain: str | None = None
) -> pd.DataFrame:
    """Every metric per group (and per period when a grain is given) for the filtered rows."""
    keys = _keys(list(by or []), grain)
    query, params = _grouped(_metric_select(), "agg_footprint_day", filters, keys)
    return con.execute(query, params).df()


def costs(
    con: duckdb.DuckDBPyConnection, filters: Filters, by: list[str] | None = None, grain: str | None = None
) -> pd.DataFrame:
    """Billed cost per group, period and currency (never summed across currencies)."""
    keys = _keys(list(by or []), grain) + ["billing_currency"]
    query, params = _grouped("CAST(sum(billed_cost) AS DOUBLE) AS billed_cost", "agg_footprint_day", filters, keys)
    return con.execute(query, params).df()


def kpis(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """The headline figures: every metric's total and the cost per currency, as summary() reports them."""
    frame = totals(con, filters)
    out: dict[str, Any] = {k: (None if pd.isna(v) else v) for k, v in frame.iloc[0].to_dict().items()}
    out["line_items"] = int(out.get("line_items") or 0)
    cost = costs(con, filters)
    out["cost"] = {str(r.billing_currency): float(r.billed_cost) for r in cost.itertuples() if r.billing_currency}
    return out


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Values every sidebar filter can take, and the first and last charge day."""
    out: dict[str, Any] = {}
    for name, column in FILTER_COLUMNS.items():
        rows = con.execute(
            f"SELECT DISTINCT {column} FROM agg_footprint_day WHERE {column} IS NOT NULL ORDER BY 1"
        ).fetchall()
        out[name] = [r[0] for r in rows]
    first, last = con.execute("SELECT min(charge_day), max(charge_day) FROM agg_footprint_day").fetchone() or (None, None)
    out["first_day"], out["last_day"] = first, last
    return out


def top_resources(
    con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 10, order_by: str = "energy_kwh"
) -> pd.DataFrame:
    """The resources with the most of one metric, with their service, region and model."""
    if order_by not in {m.name for m in additive_metrics()}:
        raise ValueError(f"cannot rank resources by {order_by!r}")
    where, params = filters.where(date_column=DATE_COLUMN)
    sums = ", ".join(f"sum({m.name}) AS {m.name}" for m in additive_metrics())
    query = (
        "SELECT coalesce(resource_id, '(no resource id)') AS resource_id, any_value(resource_name) AS resource_name, "
        "string_agg(DISTINCT provider, ', ') AS provider, string_agg(DISTINCT service_name, ', ') AS service, "
        "string_agg(DISTINCT region_id, ', ') AS region, string_agg(DISTINCT model, ', ') AS model, "
        f"{sums} FROM agg_resource_day WHERE {where} GROUP BY 1 ORDER BY {order_by} DESC NULLS LAST, 1 LIMIT ?"
    )
    return con.execute(query, [*params, int(limit)]).df()


def month_on_month(con: duckdb.DuckDBPyConnection, filters: Filters, by: str, metric: str) -> pd.DataFrame:
    """One metric per group in the last month of the filtered period and the month before, and the change."""
    if metric not in {m.name for m in additive_metrics()}:
        raise ValueError(f"no additive metric {metric!r}")
    _keys([by], "month")  # validates the dimension
    keys = [f"{GRAINS['month']} AS period", f"{AGG_DIMENSIONS[by]} AS grp"]
    inner, params = _grouped(f"sum({metric}) AS value", "agg_footprint_day", filters, keys)
    query = sql("aggregates/month_on_month").format(inner=inner)
    return con.execute(query, params).df()
