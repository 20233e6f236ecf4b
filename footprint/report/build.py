"""Fills the report object from the store, through the query functions every other front end uses.

The headline, the groups and the trend are `footprint.queries.summary()` (what `footprint summary --json`
prints), the per-model section is `footprint.ledger.models()` (what `footprint models` prints), the
provenance and data-quality sections are the `footprint.aggregates` functions the dashboard pages show,
and the coefficients come from `footprint.estimation.provenance.explain()`. So a figure in a report is
the same number everywhere else; nothing is recomputed here.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from footprint import METHODOLOGY_VERSION, aggregates, ledger
from footprint.estimation.options import scope_statement
from footprint.estimation.provenance import explain
from footprint.metrics import METRICS
from footprint.queries import Filters, summary
from footprint.report.model import (
    Coefficient,
    DataQuality,
    EstimationRun,
    Group,
    Instrument,
    LocationFactor,
    MarketMethod,
    Methodology,
    MethodShare,
    ModelLine,
    PueSource,
    Report,
    ScopeStatement,
    Totals,
    Unattributed,
    UnknownSku,
)
from footprint.report.period import Period, Scope
from footprint.report.text import methodology_statement
from footprint.sqlfiles import sql

# Usage groups without a coefficient that a report lists (the XLSX lists them all; the PDF the largest).
UNKNOWN_SKU_LIMIT = 10_000


class ReportError(RuntimeError):
    """The store cannot give a report as asked (stated in one line for the user)."""


_THREADS_LOCK = threading.Lock()


@contextmanager
def single_threaded(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run DuckDB on one thread while a report is built, then restore the setting.

    Threads add floating-point sums in the order they finish, so the last digits of a figure (the
    per-model ratios, for one) can differ between two runs on the same data; one thread adds them in one
    order, and the same data gives the same report. The setting is the database's, shared by every
    connection in the process: the lock keeps two reports from restoring each other's value.
    """
    with _THREADS_LOCK:
        row = con.execute("SELECT current_setting('threads')").fetchone()
        before = int(row[0]) if row else 1
        con.execute("SET threads = 1")
        try:
            yield
        finally:
            con.execute(f"SET threads = {before}")


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _records(frame: pd.DataFrame, order: list[str], descending: str | None = None) -> list[dict[str, Any]]:
    """Rows of a small result as dicts, NaN as None, in a fully determined order (ties broken by keys)."""
    if frame.empty:
        return []
    if descending:
        frame = frame.assign(_rank=frame[descending].fillna(float("-inf")))
        frame = frame.sort_values(["_rank", *order], ascending=[False, *([True] * len(order))],
                                  na_position="first", kind="mergesort").drop(columns="_rank")
    else:
        frame = frame.sort_values(order, na_position="first", kind="mergesort")
    frame = frame.astype(object)
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _totals(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("filters", "by", "groups")}


def _groups(data: dict[str, Any]) -> list[Group]:
    return [Group.model_validate({**g, "key": {k: str(v) for k, v in g["key"].items()}}) for g in data["groups"]]


def _rows_total(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    where, params = filters.where()
    row = con.execute(f"SELECT count(*) FROM v_footprint WHERE {where}", params).fetchone()
    return int(row[0]) if row else 0


def _by_scope_label(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[Group]:
    """summary()'s metrics per scope label the rows carry (Scope 2 or Scope 3 category 1)."""
    where, params = filters.where()
    metrics = ", ".join(f"{m.sql} AS {m.name}" for m in METRICS)
    cur = con.execute(
        f"SELECT scope_label, {metrics} FROM v_footprint WHERE {where} GROUP BY 1 ORDER BY 1", params
    )
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()  # before the next query: DuckDB's execute returns the connection itself
    cost = con.execute(
        f"SELECT scope_label, billing_currency, sum(billed_cost) FROM v_footprint WHERE ({where}) "
        "AND billing_currency IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2", params
    ).fetchall()
    out = []
    for row in rows:
        item = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in zip(cols, row, strict=True)}
        label = item.pop("scope_label")
        item["cost"] = {c: float(a) for s, c, a in cost if s == label}
        out.append(Group.model_validate({**item, "key": {"scope_label": label}}))
    return out


def _instruments(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[Instrument]:
    where, params = filters.where()
    frame = con.execute(sql("report/instruments").replace("{where}", where), params).df()
    return [Instrument.model_validate(r) for r in _records(frame, ["instrument_id"], "covered_kwh")]


def _run(info: dict[str, Any] | None) -> EstimationRun | None:
    if not info:
        return None
    options = info["options"]
    return EstimationRun(
        run_id=int(info["run_id"]),
        ran_at=info["ran_at"],
        methodology_version=info["methodology_version"],
        options=json.loads(options) if isinstance(options, str) else dict(options),
    )


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def _data_quality(headline: Totals, methods: list[MethodShare], unknown: list[UnknownSku],
                  unattributed: list[Unattributed]) -> DataQuality:
    usage: dict[str, float] = {}
    spend: dict[str, float] = {}
    for m in methods:
        if m.billing_currency is None or m.usage_cost is None:
            continue
        usage[m.billing_currency] = usage.get(m.billing_currency, 0.0) + m.usage_cost
        if m.method == "spend_based":
            spend[m.billing_currency] = spend.get(m.billing_currency, 0.0) + m.usage_cost
    unattributed_cost: dict[str, float] = {}
    unattributed_kwh = 0.0
    for u in unattributed:
        unattributed_kwh += u.energy_kwh or 0.0
        if u.billing_currency is not None and u.billed_cost is not None:
            unattributed_cost[u.billing_currency] = unattributed_cost.get(u.billing_currency, 0.0) + u.billed_cost
    measured = headline.measured_share
    return DataQuality(
        measured_share_of_energy=measured,
        modelled_share_of_energy=None if measured is None else 1.0 - measured,
        spend_based_share_of_usage_cost={c: spend.get(c, 0.0) / v for c, v in sorted(usage.items()) if v},
        unattributed_share_of_cost={
            c: unattributed_cost.get(c, 0.0) / v for c, v in sorted(headline.cost.items()) if v
        },
        unattributed_share_of_energy=_share(unattributed_kwh, headline.energy_kwh),
        unknown_sku_groups=len(unknown),
    )


def build_report(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    scope: Scope | None = None,
    *,
    organisation: str,
    scope_label: str = "cloud",
    generated_at: datetime | None = None,
) -> Report:
    """The report for a period and a scope. `scope_label` (the setting) applies only when the store
    records no estimation run; otherwise the run that produced the figures says which label was in force."""
    scope = scope or Scope()
    with single_threaded(con):
        return _build(con, period, scope, organisation, scope_label, generated_at)


def _build(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope, organisation: str, scope_label: str,
           generated_at: datetime | None) -> Report:
    if not aggregates.is_current(con):
        raise ReportError(
            "the derived tables were built from other data or metric definitions than the store holds now; "
            "refresh them first (`footprint report` and the dashboard do so) and run the report again"
        )
    f = scope.filters(period)
    previous_period = period.previous()
    fp = scope.filters(previous_period)
    lf = ledger.LedgerFilters(since=period.since, until=period.until, team=list(scope.teams),
                              model=list(scope.models))

    headline = summary(con, f)
    by_region = summary(con, f, ["provider", "region"])
    previous = summary(con, fp)
    monthly = summary(con, Filters(since=previous_period.since, until=period.until, team=list(scope.teams),
                                   model=list(scope.models)), ["month"])
    provenance = explain(con, f, limit=0)
    run = _run(provenance["run"])
    label = str(run.options.get("scope_label", scope_label)) if run else scope_label
    held = aggregates.filter_options(con)  # first and last charge day of the store, as the dashboard has them

    methods = [MethodShare.model_validate(r) for r in
               _records(aggregates.method_shares(con, f), ["method", "billing_currency"])]
    unknown = [UnknownSku.model_validate(r) for r in _records(
        aggregates.unmodelled_usage(con, f, limit=UNKNOWN_SKU_LIMIT),
        ["provider", "service", "usage_type", "usage_unit", "method", "not_modelled_reason", "billing_currency"],
        "usage_cost")]
    unattributed = [Unattributed.model_validate(r) for r in _records(
        aggregates.unattributed_spend(con, f), ["provider", "service", "missing", "billing_currency"], "billed_cost")]
    location = [LocationFactor.model_validate(r) for r in _records(
        aggregates.location_factors(con, f),
        ["provider", "region", "grid_zone", "location_factor_zone", "location_factor_source",
         "location_factor_year", "location_factor_fallback"], "facility_energy_kwh")]
    head = Totals.model_validate(_totals(headline))
    by_scope_label = _by_scope_label(con, f)
    models = [ModelLine.model_validate({**m, "break_even": m.get("break_even") or None})
              for m in sorted(ledger.models(con, lf), key=lambda m: str(m["model"]))]

    return Report(
        organisation=organisation,
        period=period,
        previous_period=previous_period,
        scope=scope,
        methodology_version=METHODOLOGY_VERSION,
        generated_at=(generated_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0),
        scope_statement=ScopeStatement.model_validate(scope_statement(label)),
        scope_labels_in_data=[g.key["scope_label"] for g in by_scope_label],
        estimation_run=run,
        data_first_day=held["first_day"],
        data_last_day=held["last_day"],
        rows_total=int(provenance["rows_total"]),
        headline=head,
        by_region=sorted(_groups(by_region), key=lambda g: (g.key["provider"], g.key["region"])),
        by_scope_label=by_scope_label,
        models=models,
        previous=Totals.model_validate(_totals(previous)),
        previous_rows_total=_rows_total(con, fp),
        monthly=sorted(_groups(monthly), key=lambda g: g.key["month"]),
        instruments=_instruments(con, f),
        market_methods=[MarketMethod.model_validate(r) for r in _records(
            aggregates.market_methods(con, f), ["provider", "region", "market_method", "market_factor_source"],
            "facility_energy_kwh")],
        pue_sources=[PueSource.model_validate(r) for r in _records(
            aggregates.pue_used(con, f), ["provider", "region", "pue", "pue_source", "pue_year"],
            "facility_energy_kwh")],
        location_factors=location,
        coefficients=[Coefficient.model_validate(r) for r in provenance["coefficients"]],
        methods=methods,
        unknown_skus=unknown,
        unattributed=unattributed,
        data_quality=_data_quality(head, methods, unknown, unattributed),
        methodology=Methodology.model_validate(methodology_statement(label, location, period, scope)),
    )


def line_items(con: duckdb.DuckDBPyConnection, report: Report, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The footprint rows behind the report's figures (largest energy first) with their provenance
    (file, data row, method, coefficients, PUE, factors), at most `limit`; and how many there are."""
    with single_threaded(con):
        result = explain(con, report.scope.filters(report.period), limit=limit)
    return result["rows"], int(result["rows_total"])

