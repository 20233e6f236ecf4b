"""Query functions about attribution itself, for the dashboard, the reports and the CLI.

How much of the bill each source of attribution explains (tags, resource rules, usage rules, the ingest
hint, nothing), and the unattributed rows grouped so a person can see which tags or rules are missing.
Costs are per currency, never added across currencies.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb

from footprint.queries import Filters
from footprint.sqlfiles import sql

SOURCES = {
    "tag": "tags",
    "resource": "resource_rules",
    "usage": "usage_rules",
    "ingest": "ingest_hint",
    "none": "none",
}


def _positional_to_named(where: str, params: list[Any]) -> tuple[str, dict[str, Any]]:
    """Filters.where() gives '?' parameters; the attribution SQL files use named ones."""
    named: dict[str, Any] = {}
    parts = where.split("?")
    out = parts[0]
    for i, part in enumerate(parts[1:]):
        named[f"w{i}"] = params[i]
        out += f"$w{i}" + part
    return out, named


def coverage(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> dict[str, Any]:
    """{dimension: {source: {'rows': n, 'cost': {currency: amount}}}} for team, model, workload, project.

    Sources: tags, resource_rules, usage_rules, ingest_hint, none (the unattributed bucket).
    """
    where, named = _positional_to_named(*(filters or Filters()).where())
    rows = con.execute(sql("attribution/coverage").replace("@@where@@", where), named).fetchall()
    out: dict[str, Any] = {}
    for dimension, source, currency, count, cost in rows:
        entry = out.setdefault(dimension, {}).setdefault(
            SOURCES.get(source or "none", source), {"rows": 0, "cost": {}}
        )
        entry["rows"] += int(count)
        entry["cost"][currency] = float(Decimal(entry["cost"].get(currency, 0)) + cost)
    return out


def unattributed(
    con: duckdb.DuckDBPyConnection, filters: Filters | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Groups of rows with neither team nor model (provider, service, usage type), costliest first."""
    where, named = _positional_to_named(*(filters or Filters()).where())
    cur = con.execute(
        sql("attribution/unattributed").replace("@@where@@", where), {**named, "limit": int(limit)}
    )
    cols = [d[0] for d in cur.description]
    return [
        {k: (float(v) if isinstance(v, Decimal) else v) for k, v in zip(cols, row, strict=True)}
        for row in cur.fetchall()
    ]
