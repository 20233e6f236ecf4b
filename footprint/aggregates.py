"""Pre-aggregated tables the dashboard reads, and the queries over them.

A bill of ten million line items cannot be re-summed on every page view. The last refresh step sums
`v_footprint` per UTC day and per combination of the filterable dimensions (provider, region, service,
team, model, workload, accelerator, currency): a few hundred rows a day. Filters are whole days, so
filtering and grouping these tables gives exactly what `footprint.queries.summary()` gives on the line
items; the metric columns of agg_footprint_day are the additive metrics of `footprint.metrics.METRICS`,
so a number is still defined in one place. Further tables keep how each figure was made (method, PUE,
factors), what could not be modelled, measured telemetry and its reconciliation with the model.
Nothing here estimates anything: it only re-adds what the estimation produced.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from footprint.metrics import METRICS, Metric
from footprint.queries import DIMENSIONS, FILTER_COLUMNS, Filters
from footprint.sqlfiles import sql

# Every aggregate table and the SQL file that builds it ({metrics} is filled from METRICS).
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


def additive_metrics() -> list[Metric]:
    """Metrics stored as sums in agg_footprint_day (ratios are recomputed from them)."""
    return [m for m in METRICS if m.kind == "sum" and m.name != "billed_cost"]


def _reaggregate(m: Metric) -> str:
    """SQL re-adding one metric over aggregate rows."""
    if m.kind == "sum":
        return f"sum({m.name})"
    num, den = getattr(m, "numerator", None), getattr(m, "denominator", None)
    if not (num and den):
        raise ValueError(f"ratio metric {m.name!r} names no numerator/denominator to recompute it from")
    return f"sum({num}) / nullif(sum({den}), 0)"


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


# ---------------------------------------------------------------------------------------------- helpers


def _keys(by: list[str], grain: str | None = None, date_column: str = DATE_COLUMN) -> list[str]:
    unknown = [d for d in by if d not in AGG_DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension {unknown[0]!r}; choose from {', '.join(AGG_DIMENSIONS)}")
    if grain is not None and grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}; choose from {', '.join(GRAINS)}")
    period = [f"{GRAINS[grain].format(col=date_column)} AS period"] if grain else []
    return period + [f"{AGG_DIMENSIONS[d]} AS {d}" for d in by]


def _table(kind: str, f: Filters, grain: str | None = None) -> tuple[str, str]:
    """(table, date column) of agg_<kind>_*: the month rollup when the dates are whole months and a month
    is fine enough, else the day table. Both give the same sums; the rollup has about thirty times fewer rows."""
    whole_months = (f.since is None or f.since.day == 1) and (
        f.until is None or (f.until + timedelta(days=1)).day == 1
    )
    if whole_months and grain in (None, "month"):
        return f"agg_{kind}_month", "charge_month"
    return f"agg_{kind}_day", DATE_COLUMN


def _grouped_sql(
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


def _grouped(
    con: duckdb.DuckDBPyConnection, table: str, f: Filters, keys: list[str], values: list[str], **kw: Any
) -> pd.DataFrame:
    query, params = _grouped_sql(table, f, keys, values, **kw)
    return con.execute(query, params).df()


def _sums(*columns: str) -> list[str]:
    return [f"sum({c}) AS {c}" for c in columns]


def _money(column: str = "billed_cost") -> str:
    return f"CAST(sum({column}) AS DOUBLE) AS {column}"


# ---------------------------------------------------------------------------------------------- totals


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
    table, col = _table("footprint", filters, grain)
    values = [f"{_reaggregate(m)} AS {m.name}" for m in chosen]
    return _grouped(con, table, filters, _keys(list(by or []), grain, col), values, date_column=col)


def costs(
    con: duckdb.DuckDBPyConnection, filters: Filters, by: list[str] | None = None, grain: str | None = None
) -> pd.DataFrame:
    """Billed cost per group, period and currency (never summed across currencies)."""
    table, col = _table("footprint", filters, grain)
    keys = [*_keys(list(by or []), grain, col), "billing_currency"]
    return _grouped(
        con, table, filters, keys, [_money()], having="billing_currency IS NOT NULL", date_column=col
    )


def kpis(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """The headline figures: every metric's total and the cost per currency, as summary() reports them,
    and `footprint_rows` (billing rows plus telemetry activity), which says whether the scope holds anything."""
    values = [f"{_reaggregate(m)} AS {m.name}" for m in METRICS] + ["sum(footprint_rows) AS footprint_rows"]
    table, col = _table("footprint", filters)
    frame = _grouped(con, table, filters, [], values, date_column=col)
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
        *_sums(*shown),
    ]
    table, col = _table("resource", filters)
    query, params = _grouped_sql(
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
    table, col = _table("footprint", filters, "month")
    period, _ = _keys([by], "month", col)  # validates the dimension
    inner, params = _grouped_sql(
        table, filters, [period, f"{AGG_DIMENSIONS[by]} AS grp"], [f"sum({metric}) AS value"], date_column=col
    )
    return con.execute(sql("aggregates/month_on_month").format(inner=inner), params).df()


# ---------------------------------------------------------------------------------------------- provenance


def _provenance(
    con: duckdb.DuckDBPyConnection, f: Filters, keys: list[str], values: list[str], **kw: Any
) -> pd.DataFrame:
    table, col = _table("provenance", f)
    return _grouped(con, table, f, keys, values, date_column=col, **kw)


def pue_used(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Each PUE applied, with its source and year, and the energy it applied to."""
    keys = ["provider", "coalesce(region_id, 'unknown') AS region", "pue", "pue_source", "pue_year"]
    return _provenance(
        con,
        filters,
        keys,
        _sums("energy_kwh", "facility_energy_kwh"),
        order="facility_energy_kwh DESC NULLS LAST",
        having="sum(energy_kwh) > 0",
    )


def location_factors(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Each location-based factor used per region: zone, value, source, year, fallback, and what it covered."""
    keys = [
        "provider",
        "coalesce(region_id, 'unknown') AS region",
        "grid_zone",
        "location_factor_zone",
        "location_factor_g_per_kwh",
        "location_factor_source",
        "location_factor_basis",
        "location_factor_year",
        "location_factor_fallback",
        "location_hourly",
    ]
    values = [
        *_sums("facility_energy_kwh", "location_kgco2e"),
        "1000 * sum(location_kgco2e) / nullif(sum(facility_energy_kwh), 0) AS effective_g_per_kwh",
    ]
    return _provenance(
        con,
        filters,
        keys,
        values,
        order="facility_energy_kwh DESC NULLS LAST",
        having="sum(facility_energy_kwh) > 0",
    )


def market_methods(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """How the market-based figure was made (instruments, residual mix, location fallback), by region."""
    keys = ["provider", "coalesce(region_id, 'unknown') AS region", "market_method", "market_factor_source"]
    values = [
        *_sums("facility_energy_kwh", "instrument_covered_kwh", "market_kgco2e"),
        "1000 * sum(market_kgco2e) / nullif(sum(facility_energy_kwh), 0) AS effective_g_per_kwh",
    ]
    return _provenance(
        con,
        filters,
        keys,
        values,
        order="facility_energy_kwh DESC NULLS LAST",
        having="sum(facility_energy_kwh) > 0",
    )


def instruments_applied(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Contractual instruments that covered energy in the filtered scope, with the energy they covered."""
    table, col = _table("provenance", filters)
    query, params = _grouped_sql(
        table,
        filters,
        ["instrument_ids"],
        _sums("instrument_covered_kwh", "facility_energy_kwh"),
        having="instrument_ids IS NOT NULL AND sum(instrument_covered_kwh) > 0",
        date_column=col,
    )
    return con.execute(sql("aggregates/instruments_applied").format(inner=query), params).df()


def method_shares(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Rows (billing and telemetry), IT energy and usage cost per estimation method (measured, modelled,
    spend-based, none)."""
    values = [
        *_sums("footprint_rows", "energy_kwh", "measured_energy_kwh", "spend_based_energy_kwh"),
        _money("usage_cost"),
        _money("estimated_usage_cost"),
    ]
    return _provenance(con, filters, ["method", "billing_currency"], values)


def unmodelled_usage(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 200) -> pd.DataFrame:
    """Usage no coefficient covers (unknown SKUs), largest cost first, with why and the spend-based energy."""
    keys = [
        "provider",
        "coalesce(service_name, 'unknown') AS service",
        "coalesce(usage_type, 'unknown') AS usage_type",
        "usage_unit",
        "method",
        "not_modelled_reason",
        "billing_currency",
    ]
    values = [*_sums("line_items", "spend_based_energy_kwh"), _money("usage_cost")]
    query, params = _grouped_sql(
        "agg_unmodelled_day", filters, keys, values, order="usage_cost DESC NULLS LAST, 1"
    )
    return con.execute(f"{query} LIMIT ?", [*params, int(limit)]).df()


def unattributed_spend(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Cost and energy that no rule gave a team or a model, by provider and service."""
    keys = [
        "provider",
        "coalesce(service_name, 'unknown') AS service",
        "CASE WHEN team = 'unattributed' AND model = 'unattributed' THEN 'team and model' "
        "WHEN team = 'unattributed' THEN 'team' ELSE 'model' END AS missing",
        "billing_currency",
    ]
    table, col = _table("footprint", filters)
    return _grouped(
        con,
        table,
        filters,
        keys,
        [*_sums("energy_kwh"), _money()],
        date_column=col,
        order="billed_cost DESC NULLS LAST, 1",
        also="team = 'unattributed' OR model = 'unattributed'",
    )


# ---------------------------------------------------------------------------------------------- telemetry


def telemetry_devices(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Measured energy, covered hours and average power per host and GPU."""
    keys = [
        "host",
        "gpu",
        "coalesce(accelerator_model, 'unknown') AS accelerator",
        "team",
        "model",
        "workload",
    ]
    values = [
        "sum(energy_kwh) AS energy_kwh",
        "sum(covered_s) / 3600 AS covered_h",
        "3600000 * sum(energy_kwh) / nullif(sum(covered_s), 0) AS avg_power_w",
        "string_agg(DISTINCT method, ', ') AS method",
    ]
    return _grouped(con, "agg_telemetry_hour", filters, keys, values, order="energy_kwh DESC, 1, 2")


def telemetry_power(con: duckdb.DuckDBPyConnection, filters: Filters, by: str = "host") -> pd.DataFrame:
    """Average measured power per hour, per host (all its GPUs) or per device ('host / gpu')."""
    key = {"host": "host", "device": "host || ' / GPU ' || gpu"}[by]
    values = [
        "3600000 * sum(energy_kwh) / nullif(max(covered_s), 0) AS power_w",
        "sum(energy_kwh) AS energy_kwh",
    ]
    return _grouped(con, "agg_telemetry_hour", filters, ["bucket_start", f"{key} AS {by}"], values)


def reconciliation(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Measured vs modelled accelerator energy per billed resource the telemetry covered."""
    values = [
        "string_agg(DISTINCT model, ', ') AS model",
        *_sums(
            "billed_device_hours",
            "measured_device_hours",
            "measured_energy_kwh",
            "modelled_same_hours_kwh",
            "modelled_row_accelerator_energy_kwh",
        ),
        "CASE WHEN sum(modelled_same_hours_kwh) > 0 THEN sum(measured_energy_kwh) / sum(modelled_same_hours_kwh) "
        "END AS measured_to_modelled",
    ]
    return _grouped(
        con, "agg_reconciliation_day", filters, ["resource_id"], values, order="measured_energy_kwh DESC, 1"
    )


def batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every loaded file: batch, format, kind, rows loaded and skipped (the provenance behind the pages)."""
    return con.execute(
        "SELECT batch_id, file_name, detected_format, source_kind, rows_read, rows_loaded, rows_skipped, "
        "skipped_reasons, ingested_at, superseded_by FROM ingest_batches ORDER BY batch_id"
    ).df()
