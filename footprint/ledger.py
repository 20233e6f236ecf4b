"""The per-model ledger: what each model cost in energy, emissions and money, training against serving.

The refresh step (after the estimation) spreads every footprint item and every inference count over the
UTC days it covers and keeps them per day, team, model and workload (`ledger_model_day`,
`ledger_model_cost_day`, `ledger_requests_day`), then materialises the per-model, per-period ledger
(`ledger_model_period`, day and month). Sums are exact (DECIMAL), so they do not depend on the order
threads add them in and an incremental refresh can rewrite just the days it touched. The query functions below are what the CLI, the dashboard and the
reports call; each runs one SQL file over the day tables, so a filter gives the same figures everywhere.

Definitions (docs/attribution.md, "Per-model ledger"):
- per-request ratios use matched days only: days with both request counts and inference energy;
- ranges: models() gives each footprint sum and per-1,000 ratio a `<column>_low` and `<column>_high`, the
  same sum or ratio over the items' low and high estimates (per-1,000 low = low energy / requests * 1,000);
- break-even: the first day from which cumulative inference facility energy stays at or above cumulative
  training facility energy, counted from the first day of data; if not reached, projected from the
  inference facility energy of the last `window_days` days of data;
- amortised training: training footprint to date / requests served to date * 1,000;
- SCI (ISO/IEC 21031): (E x I + M) / R with E x I the location-based inference emissions, R = 1,000
  requests, M = 0 (no embodied emissions data yet; stated in every result).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import duckdb

from footprint.attribution import WORKLOAD_LABELS, active_rules
from footprint.sqlfiles import sql

if TYPE_CHECKING:
    from footprint.pipeline import Delta

PROJECTION_WINDOW_DAYS = 30
SCI_NOTE = (
    "SCI per ISO/IEC 21031: (E x I + M) per R, E = inference facility energy, I = location-based grid "
    "intensity, R = 1,000 requests; M (embodied emissions) = 0 until embodied data exists"
)
GRAINS = ("day", "month")


@dataclass
class LedgerFilters:
    """Which part of the ledger a query covers. Dates are inclusive UTC days."""

    since: date | None = None
    until: date | None = None
    team: list[str] = field(default_factory=list)
    model: list[str] = field(default_factory=list)

    @classmethod
    def from_filters(cls, filters: Any) -> LedgerFilters:
        """From footprint.queries.Filters; refuses filters the ledger has no dimension for."""
        unsupported = [
            name
            for name in ("provider", "workload", "region", "service", "accelerator")
            if getattr(filters, name, None)
        ]
        if unsupported:
            raise ValueError(f"the per-model ledger cannot filter by {', '.join(unsupported)}")
        return cls(filters.since, filters.until, list(filters.team), list(filters.model))

    def params(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "teams": list(self.team),
            "models": list(self.model),
        }


def _normalisers(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Temp tables and parameters that write names the way the rules in force do."""
    rules = active_rules(con).rules
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _ledger_aliases "
        "(dimension VARCHAR, variant_match VARCHAR, canonical VARCHAR)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _ledger_workload_values (value_match VARCHAR, workload VARCHAR, workload_detail VARCHAR)"
    )
    aliases = [
        (dim, variant, canonical)
        for dim, table in rules.aliases.items()
        for canonical, variants in table.items()
        for variant in variants
    ]
    if aliases:
        con.executemany(
            "INSERT INTO _ledger_aliases VALUES (?, fp_attr_match(?), ?)", [list(a) for a in aliases]
        )
    values = [[value, *WORKLOAD_LABELS[label]] for label, vs in rules.workload_values.items() for value in vs]
    if values:
        con.executemany("INSERT INTO _ledger_workload_values VALUES (fp_attr_match(?), ?, ?)", values)
    # Spellings that normalise alike must not multiply rows.
    for table in ("_ledger_aliases", "_ledger_workload_values"):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT DISTINCT * FROM {table}")
    return {"team_mode": rules.normalise.team, "model_mode": rules.normalise.model}


def _write_days(
    con: duckdb.DuckDBPyConnection, modes: dict[str, Any], items: str, days: str, params: dict[str, Any]
) -> None:
    """Insert ledger_model_day and ledger_model_cost_day rows for the items and days the SQL slots select."""
    text = sql("ledger/day_sums").replace("@@items@@", items).replace("@@days@@", days)
    for stmt in (s for s in text.split(";\n") if s.strip()):
        used = {k: v for k, v in {**modes, **params}.items() if f"${k}" in stmt}
        con.execute(stmt, used)
    for stmt in (s for s in sql("ledger/model_day").split(";\n") if s.strip()):
        con.execute(stmt)


def _write_periods(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM ledger_model_period")
    for grain in GRAINS:
        query = sql("ledger/filtered") + sql("ledger/periods")
        params = {**LedgerFilters().params(), "grain": grain}
        con.execute(f"INSERT INTO ledger_model_period {query}", params)


def _cleanup(con: duckdb.DuckDBPyConnection) -> None:
    for table in (
        "_ledger_day_sums",
        "_ledger_names",
        "_ledger_days",
        "_ledger_aliases",
        "_ledger_workload_values",
    ):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the ledger tables from footprint_items and inference_requests."""
    modes = _normalisers(con)
    con.execute("DELETE FROM refresh_state")  # derived tables change; the pipeline records its own runs
    for table in ("ledger_model_day", "ledger_model_cost_day", "ledger_requests_day"):
        con.execute(f"DELETE FROM {table}")
    _write_days(con, modes, "TRUE", "TRUE", {})
    con.execute(sql("ledger/requests_day"), modes)
    _write_periods(con)
    _cleanup(con)


def refresh_incremental(con: duckdb.DuckDBPyConnection, delta: Delta) -> None:
    """Rewrite the day rows of the days the refresh touched (_refresh_spans, filled by the estimation),
    the request days when request counts were added or removed, and the per-period ledger."""
    modes = _normalisers(con)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _ledger_days AS SELECT DISTINCT CAST(d AS DATE) AS day FROM ("
        "SELECT unnest(generate_series(date_trunc('day', charge_period_start), CASE WHEN charge_period_end > "
        "charge_period_start THEN charge_period_end - INTERVAL 1 MICROSECOND ELSE charge_period_start END, "
        "INTERVAL 1 DAY)) AS d FROM _refresh_spans)"
    )
    lo, hi = con.execute("SELECT min(day), max(day) FROM _ledger_days").fetchone() or (None, None)
    if lo is not None:
        for table in ("ledger_model_day", "ledger_model_cost_day"):
            con.execute(f"DELETE FROM {table} WHERE day IN (SELECT day FROM _ledger_days)")
        items = (
            "charge_period_start < CAST($hi AS DATE) + INTERVAL 1 DAY "
            "AND (charge_period_end > CAST($lo AS DATE) OR charge_period_start >= CAST($lo AS DATE))"
        )
        _write_days(con, modes, items, "day IN (SELECT day FROM _ledger_days)", {"lo": lo, "hi": hi})
    if delta.telemetry_batches_changed:
        con.execute("DELETE FROM ledger_requests_day")
        con.execute(sql("ledger/requests_day"), modes)
    if lo is not None or delta.telemetry_batches_changed:
        _write_periods(con)
    _cleanup(con)


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def model_costs(
    con: duckdb.DuckDBPyConnection, filters: LedgerFilters | None = None
) -> dict[str, dict[str, Any]]:
    """model -> {'total': {currency: cost}, 'training': {...}, 'inference': {...}, ...} (never across currencies)."""
    filters = filters or LedgerFilters()
    out: dict[str, dict[str, Any]] = {}
    for row in _rows(con.execute(sql("ledger/costs"), filters.params())):
        model = out.setdefault(row["model"], {"total": {}})
        cur, amount = row["billing_currency"], row["billed_cost"]
        model["total"][cur] = model["total"].get(cur, Decimal(0)) + amount
        model.setdefault(row["workload"], {})[cur] = amount
    return out


def models(
    con: duckdb.DuckDBPyConnection,
    filters: LedgerFilters | None = None,
    *,
    window_days: int = PROJECTION_WINDOW_DAYS,
) -> list[dict[str, Any]]:
    """One object per model (the 'unattributed' bucket included): see the module docstring."""
    filters = filters or LedgerFilters()
    params = {**filters.params(), "window_days": window_days}
    rows = _rows(con.execute(sql("ledger/filtered") + sql("ledger/models"), params))
    costs = model_costs(con, filters)
    out = []
    for row in rows:
        item = {k: _plain(v) for k, v in row.items()}
        cost = costs.get(row["model"], {})
        item["cost"] = {cur: float(v) for cur, v in sorted(cost.get("total", {}).items())}
        item["cost_by_workload"] = {
            w: {cur: float(v) for cur, v in sorted(c.items())}
            for w, c in sorted(cost.items())
            if w != "total"
        }
        item["sci_embodied_kgco2e"] = 0.0
        item["sci_note"] = SCI_NOTE
        out.append(item)
    return out


def model_periods(
    con: duckdb.DuckDBPyConnection, filters: LedgerFilters | None = None, grain: str = "month"
) -> list[dict[str, Any]]:
    """Per model and period: training, inference and other footprint, requests, ratios, cumulative energy."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}, not {grain!r}")
    filters = filters or LedgerFilters()
    query = sql("ledger/filtered") + sql("ledger/periods")
    rows = _rows(con.execute(query, {**filters.params(), "grain": grain}))
    return [{k: _plain(v) for k, v in row.items()} for row in rows]
