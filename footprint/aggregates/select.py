"""Reading the aggregate tables: dimensions, periods, the table a filter can use, and the grouped SELECT.

Every query function of this package builds its SQL here, so filters apply to the aggregates exactly as
`footprint.queries.Filters` applies them to the line items (whole UTC days).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb
import pandas as pd

from footprint.metrics import Metric
from footprint.queries import DIMENSIONS, Filters

# Group-by dimensions over the aggregate tables (the same expressions as over v_footprint).
AGG_DIMENSIONS: dict[str, str] = {
    d: DIMENSIONS[d] for d in ("provider", "region", "service", "team", "model", "workload", "accelerator")
}
# Period keys over a table's date column ({col}: charge_day, or charge_month in the month rollup).
GRAINS: dict[str, str] = {
    "day": "{col}",
    "week": "CAST(date_trunc('week', {col}) AS DATE)",
    "month": "CAST(date_trunc('month', {col}) AS DATE)",
}
DATE_COLUMN = "charge_day"


def reaggregate(m: Metric) -> str:
    """SQL re-adding one metric over aggregate rows."""
    if m.kind == "sum":
        return f"sum({m.name})"
    if not (m.numerator and m.denominator):
        raise ValueError(f"ratio metric {m.name!r} names no numerator/denominator to recompute it from")
    return f"sum({m.numerator}) / nullif(sum({m.denominator}), 0)"


def group_keys(by: list[str], grain: str | None = None, date_column: str = DATE_COLUMN) -> list[str]:
    unknown = [d for d in by if d not in AGG_DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension {unknown[0]!r}; choose from {', '.join(AGG_DIMENSIONS)}")
    if grain is not None and grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}; choose from {', '.join(GRAINS)}")
    period = [f"{GRAINS[grain].format(col=date_column)} AS period"] if grain else []
    return period + [f"{AGG_DIMENSIONS[d]} AS {d}" for d in by]


def table_for(kind: str, f: Filters, grain: str | None = None) -> tuple[str, str]:
    """(table, date column) of agg_<kind>_*: the month rollup when the dates are whole months and a month
    is fine enough, else the day table. Both give the same sums; the rollup has about thirty times fewer rows."""
    whole_months = (f.since is None or f.since.day == 1) and (
        f.until is None or (f.until + timedelta(days=1)).day == 1
    )
    if whole_months and grain in (None, "month"):
        return f"agg_{kind}_month", "charge_month"
    return f"agg_{kind}_day", DATE_COLUMN


def grouped_sql(
    table: str,
    f: Filters,
    keys: list[str],
    values: list[str],
    *,
    order: str | None = None,
    having: str | None = None,
    also: str | None = None,
    date_column: str = DATE_COLUMN,
) -> tuple[str, list[Any]]:
    """SELECT keys, values FROM table WHERE <filters> [AND also] GROUP BY keys [HAVING] ORDER BY ..."""
    where, params = f.where(date_column=date_column)
    if also:
        where = f"({also}) AND {where}"
    n = len(keys)
    group = f" GROUP BY {', '.join(str(i + 1) for i in range(n))}" if n else ""
    having_sql = f" HAVING {having}" if having else ""
    order_sql = (
        f" ORDER BY {order}"
        if order
        else (f" ORDER BY {', '.join(str(i + 1) for i in range(n))}" if n else "")
    )
    return (
        f"SELECT {', '.join([*keys, *values])} FROM {table} WHERE {where}{group}{having_sql}{order_sql}",
        params,
    )


def grouped(
    con: duckdb.DuckDBPyConnection, table: str, f: Filters, keys: list[str], values: list[str], **kw: Any
) -> pd.DataFrame:
    query, params = grouped_sql(table, f, keys, values, **kw)
    return con.execute(query, params).df()


def sums(*columns: str) -> list[str]:
    return [f"sum({c}) AS {c}" for c in columns]


def money(column: str = "billed_cost") -> str:
    return f"CAST(sum({column}) AS DOUBLE) AS {column}"
