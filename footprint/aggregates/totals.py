"""The headline figures, groups, trends, sidebar options and top resources, from the aggregates."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from footprint.aggregates.build import additive_metrics
from footprint.aggregates.select import (
    AGG_DIMENSIONS,
    group_keys,
    grouped,
    grouped_sql,
    money,
    reaggregate,
    sums,
    table_for,
)
from footprint.metrics import METRICS
from footprint.queries import FILTER_COLUMNS, Filters
from footprint.sqlfiles import sql


def totals(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: list[str] | None = None,
    grain: str | None = None,
    metrics: list[str] | None = None,
) -> pd.DataFrame:
    """Metrics (all, or the named ones) per group, and per period when a grain is given, for the filtered rows."""
    chosen = [m for m in METRICS if metrics is None or m.name in metrics]
    if metrics is not None and len(chosen) != len(set(metrics)):
        raise ValueError(f"unknown metric among {metrics}; choose from {', '.join(m.name for m in METRICS)}")
    table, col = table_for("footprint", filters, grain)
    values = [f"{reaggregate(m)} AS {m.name}" for m in chosen]
    return grouped(con, table, filters, group_keys(list(by or []), grain, col), values, date_column=col)


def costs(
    con: duckdb.DuckDBPyConnection, filters: Filters, by: list[str] | None = None, grain: str | None = None
) -> pd.DataFrame:
    """Billed cost per group, period and currency (never summed across currencies)."""
    table, col = table_for("footprint", filters, grain)
    keys = [*group_keys(list(by or []), grain, col), "billing_currency"]
    return grouped(
        con, table, filters, keys, [money()], having="billing_currency IS NOT NULL", date_column=col
    )


def kpis(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """The headline figures: every metric's total and the cost per currency, as summary() reports them,
    and `footprint_rows` (billing rows plus telemetry activity), which says whether the scope holds anything."""
    values = [f"{reaggregate(m)} AS {m.name}" for m in METRICS] + ["sum(footprint_rows) AS footprint_rows"]
    table, col = table_for("footprint", filters)
    frame = grouped(con, table, filters, [], values, date_column=col)
    out: dict[str, Any] = {k: (None if pd.isna(v) else v) for k, v in frame.iloc[0].to_dict().items()}
    out["line_items"] = int(out.get("line_items") or 0)
    out["footprint_rows"] = int(out.get("footprint_rows") or 0)  # billing rows and telemetry activity
    cost = costs(con, filters)
    out["cost"] = {str(r.billing_currency): float(r.billed_cost) for r in cost.itertuples()}
    return out


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Values every sidebar filter can take (sorted), and the first and last charge day (None when empty)."""
    rows = con.execute("SELECT dimension, value FROM agg_filter_values ORDER BY dimension, value").fetchall()
    out: dict[str, Any] = {name: [] for name in FILTER_COLUMNS}
    out["first_day"] = out["last_day"] = None
    for dimension, value in rows:
        if dimension in ("first_day", "last_day"):
            out[dimension] = date.fromisoformat(value)
        else:
            out[dimension].append(value)
    return out


def top_resources(
    con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 10, order_by: str = "energy_kwh"
) -> pd.DataFrame:
    """The resources with the most of one metric: their energy and emissions, provider, service, region, models."""
    names = [m.name for m in additive_metrics()]
    if order_by not in names:
        raise ValueError(f"cannot rank resources by {order_by!r}")
    shown = dict.fromkeys(
        [order_by, "energy_kwh", "facility_energy_kwh", "scope2_location_kgco2e", "scope2_market_kgco2e"]
    )
    values = [
        *(
            f"string_agg(DISTINCT {c}, ', ') AS {a}"
            for c, a in (
                ("provider", "provider"),
                ("service_name", "service"),
                ("region_id", "region"),
                ("model", "model"),
            )
        ),
        *sums(*shown),
    ]
    table, col = table_for("resource", filters)
    query, params = grouped_sql(
        table,
        filters,
        ["coalesce(resource_id, '(no resource id)') AS resource_id"],
        values,
        order=f"{order_by} DESC NULLS LAST, 1",
        date_column=col,
    )
    return con.execute(f"{query} LIMIT ?", [*params, int(limit)]).df()


def month_on_month(con: duckdb.DuckDBPyConnection, filters: Filters, by: str, metric: str) -> pd.DataFrame:
    """One metric per group in the last month of the filtered period and the month before, and the change."""
    if metric not in {m.name for m in additive_metrics()}:
        raise ValueError(f"no additive metric {metric!r}")
    table, col = table_for("footprint", filters, "month")
    period, _ = group_keys([by], "month", col)  # validates the dimension
    inner, params = grouped_sql(
        table, filters, [period, f"{AGG_DIMENSIONS[by]} AS grp"], [f"sum({metric}) AS value"], date_column=col
    )
    return con.execute(sql("aggregates/month_on_month").format(inner=inner), params).df()


def batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every loaded file: batch, format, kind, rows loaded and skipped (the provenance behind the pages)."""
    return con.execute(
        "SELECT batch_id, file_name, detected_format, source_kind, rows_read, rows_loaded, rows_skipped, "
        "skipped_reasons, ingested_at, superseded_by FROM ingest_batches ORDER BY batch_id"
    ).df()
