"""How a filtered figure was made: the rows behind it, the PUE and factors they used, every coefficient.

The dashboard's "explain" view, the reports' annex and an auditor's question ("show me how this number
was made") all call `explain()`, with the same Filters the figure itself was computed with, so the rows
listed are exactly the rows summed.
"""

from __future__ import annotations

from typing import Any

import duckdb

from footprint.queries import Filters
from footprint.sqlfiles import sql


def _records(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def explain(
    con: duckdb.DuckDBPyConnection, filters: Filters | None = None, *, limit: int = 1000
) -> dict[str, Any]:
    """Rows, factors, coefficients and methods behind the figures for `filters`.

    rows: the footprint rows (largest energy first, at most `limit`), each with its file, data row,
    method, formula, coefficient ids, PUE and factor with source and year. factors: distinct PUE /
    location / market combinations with the energy and emissions each carries. coefficients: every
    coefficient id used, its value and source citation. methods: row counts and energy per method.
    run: the methodology version and options of the refresh that produced the rows.
    """
    filters = filters or Filters()
    where, params = filters.where("f")
    plain_where, plain_params = filters.where()
    rows = _records(con.execute(sql("estimation/provenance_rows").replace("{where}", where).replace(
        "$limit", "?"), [*params, int(limit)]))
    factors = _records(con.execute(sql("estimation/provenance_factors").replace("{where}", plain_where),
                                   plain_params))
    coefficients = _records(con.execute(
        sql("estimation/provenance_coefficients").replace("{where}", plain_where), plain_params))
    methods = _records(con.execute(
        f"SELECT method, count(*) AS line_items, sum(energy_kwh) AS energy_kwh, "
        f"sum(spend_based_energy_kwh) AS spend_based_energy_kwh, sum(usage_cost) AS usage_cost "
        f"FROM v_footprint WHERE {plain_where} GROUP BY method ORDER BY method", plain_params))
    run = con.execute(
        "SELECT run_id, ran_at, methodology_version, options, items FROM estimation_runs "
        "ORDER BY run_id DESC LIMIT 1"
    ).fetchone()
    total = con.execute(f"SELECT count(*) FROM v_footprint WHERE {plain_where}", plain_params).fetchone()
    return {
        "filters": filters.as_dict(),
        "rows_total": int(total[0]) if total else 0,
        "rows": rows,
        "factors": factors,
        "coefficients": coefficients,
        "methods": methods,
        "run": dict(zip(("run_id", "ran_at", "methodology_version", "options", "items"), run, strict=True))
        if run else None,
    }
