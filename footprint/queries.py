"""Query functions every front end shares: filters, group-by dimensions and the summary object.

The CLI's `summary --json`, the dashboard and the reports all call `summary()`, so the same filters give
the same numbers everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb

from footprint.metrics import METRICS

# Group-by dimensions: name -> SQL over v_footprint. Names are what users type (--by team).
DIMENSIONS: dict[str, str] = {
    "provider": "provider",
    "region": "coalesce(region_id, 'unknown')",
    "service": "coalesce(service_name, 'unknown')",
    "team": "team",
    "model": "model",
    "workload": "workload",
    "accelerator": "coalesce(accelerator_model, 'none')",
    "month": "strftime(charge_period_start, '%Y-%m')",
    "account": "coalesce(sub_account_id, billing_account_id, 'unknown')",
}

# Filterable fields: name -> column in v_footprint.
FILTER_COLUMNS: dict[str, str] = {
    "provider": "provider",
    "team": "team",
    "model": "model",
    "workload": "workload",
    "region": "region_id",
    "service": "service_name",
    "accelerator": "accelerator_model",
}


@dataclass
class Filters:
    """Which line items a query covers. Dates are inclusive and apply to the charge period start (UTC)."""

    since: date | None = None
    until: date | None = None
    provider: list[str] = field(default_factory=list)
    team: list[str] = field(default_factory=list)
    model: list[str] = field(default_factory=list)
    workload: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    service: list[str] = field(default_factory=list)
    accelerator: list[str] = field(default_factory=list)

    def where(self, alias: str = "", date_column: str = "charge_period_start") -> tuple[str, list[Any]]:
        """SQL condition and its parameters (values always as parameters).

        `date_column` names the column the dates apply to (the dashboard aggregates hold a day column).
        """
        pre = f"{alias}." if alias else ""
        parts: list[str] = ["TRUE"]
        params: list[Any] = []
        if self.since:
            parts.append(f"{pre}{date_column} >= ?")
            params.append(self.since)
        if self.until:
            parts.append(f"{pre}{date_column} < CAST(? AS DATE) + INTERVAL 1 DAY")
            params.append(self.until)
        for name, column in FILTER_COLUMNS.items():
            values = getattr(self, name)
            if values:
                parts.append(f"{pre}{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        return " AND ".join(parts), params

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {
            k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in d.items()
            if v not in (None, [], "")
        }


def _num(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    return v


def _metric_row(con: duckdb.DuckDBPyConnection, where: str, params: list[Any], by: list[str]) -> list[dict[str, Any]]:
    keys = [f"{DIMENSIONS[d]} AS {d}" for d in by]
    metric_sql = [f"{m.sql} AS {m.name}" for m in METRICS]
    group = f"GROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    order = f"ORDER BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    sql = f"SELECT {', '.join(keys + metric_sql)} FROM v_footprint WHERE {where} {group} {order}"
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, map(_num, row), strict=True)) for row in cur.fetchall()]


def _cost_by(con: duckdb.DuckDBPyConnection, where: str, params: list[Any], by: list[str]) -> dict[tuple, dict[str, float]]:
    keys = [f"{DIMENSIONS[d]}" for d in by]
    select = ", ".join(keys + ["billing_currency", "sum(billed_cost)"])
    group = ", ".join(str(i + 1) for i in range(len(by) + 1))
    # Telemetry rows carry no cost and no currency: cost is only ever per billing currency.
    rows = con.execute(
        f"SELECT {select} FROM v_footprint WHERE ({where}) AND billing_currency IS NOT NULL GROUP BY {group}",
        params,
    ).fetchall()
    out: dict[tuple, dict[str, float]] = {}
    for row in rows:
        key = tuple(row[: len(by)])
        out.setdefault(key, {})[row[len(by)]] = float(row[len(by) + 1])
    return out


def summary(
    con: duckdb.DuckDBPyConnection, filters: Filters | None = None, by: list[str] | None = None
) -> dict[str, Any]:
    """Totals and per-group metrics for the filtered line items.

    Cost is an object currency -> billed cost (never summed across currencies).
    """
    filters = filters or Filters()
    by = list(by or [])
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension {unknown[0]!r}; choose from {', '.join(DIMENSIONS)}")
    where, params = filters.where()
    total = _metric_row(con, where, params, [])[0]
    total_cost = _cost_by(con, where, params, []).get((), {})
    result: dict[str, Any] = {"filters": filters.as_dict(), "by": by}
    result.update(total)
    result["cost"] = dict(sorted(total_cost.items()))
    groups = []
    if by:
        costs = _cost_by(con, where, params, by)
        for row in _metric_row(con, where, params, by):
            key = {d: row.pop(d) for d in by}
            group = {"key": key, **row, "cost": dict(sorted(costs.get(tuple(key.values()), {}).items()))}
            groups.append(group)
    result["groups"] = groups
    return result
