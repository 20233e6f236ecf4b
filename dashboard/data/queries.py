"""Cached queries: results keyed on the database path, its data version and the filters.

`footprint.store.data_version` changes whenever the file does, whoever wrote it, so an ingest from any
process invalidates the cache. The queries are `footprint.aggregates` and `footprint.ledger` functions
over small pre-aggregated tables: nothing here computes an estimate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import streamlit as st

from dashboard.data import access
from footprint import aggregates, ledger, store
from footprint.aggregates import telemetry as telemetry_aggregates
from footprint.queries import Filters
from footprint.report import Period, ReportError, Scope, export, file_name
from footprint.settings import get_settings


def filters_key(f: Filters) -> str:
    return json.dumps(f.as_dict(), sort_keys=True)


def filters_from_key(key: str) -> Filters:
    d = json.loads(key)
    for name in ("since", "until"):
        if d.get(name):
            d[name] = date.fromisoformat(d[name])
    return Filters(**d)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, path: str, version: tuple[int, int], fkey: str | None, kwargs: str) -> Any:
    module, _, function = name.rpartition(".")
    source = {"ledger": ledger, "telemetry": telemetry_aggregates}.get(module, aggregates)
    fn: Callable[..., Any] = getattr(source, function)
    args: list[Any] = []
    if fkey is not None:
        f = filters_from_key(fkey)
        args.append(ledger.LedgerFilters.from_filters(f) if module == "ledger" else f)
    with access.reading() as con:
        return fn(con, *args, **json.loads(kwargs))


def query(name: str, filters: Filters | None = None, **kwargs: Any) -> Any:
    """Result of `footprint.aggregates.<name>(con, filters, **kwargs)` ('ledger.<name>': footprint.ledger,
    'telemetry.<name>': footprint.aggregates.telemetry), cached until the data changes."""
    path = access.db_path()
    return _cached(
        name,
        str(path),
        store.data_version(path),
        None if filters is None else filters_key(filters),
        json.dumps(kwargs, sort_keys=True, default=str),
    )


def ledger_query(name: str, filters: Filters, **kwargs: Any) -> Any:
    """Result of `footprint.ledger.<name>` for the filters the ledger has (dates, team, model), cached."""
    scope = Filters(
        since=filters.since, until=filters.until, team=list(filters.team), model=list(filters.model)
    )
    return query(f"ledger.{name}", scope, **kwargs)


# The refresh materialises every model's ledger per day and per month for all dates and teams
# (footprint.ledger.refresh: ledger_model_period, written by the same SQL that model_periods() runs).
_MATERIALISED_PERIODS = (
    "SELECT * FROM ledger_model_period WHERE grain = ? AND model = ? ORDER BY period_start"
)


@st.cache_data(show_spinner=False, max_entries=64)
def _materialised_periods(
    path: str, version: tuple[int, int], model: str, grain: str
) -> list[dict[str, Any]]:
    with access.reading() as con:
        frame = con.execute(_MATERIALISED_PERIODS, [grain, model]).df()
    # as model_periods() gives them: days as ISO text, missing values as None
    frame["period_start"] = [d.date().isoformat() for d in frame["period_start"]]
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def model_periods(filters: Filters, model: str, grain: str = "day") -> list[dict[str, Any]]:
    """One model's ledger per period (its cumulative training and serving curves).

    Over all dates and teams the refresh has materialised it already, so it is read, not recomputed;
    a date or team filter runs footprint.ledger.model_periods for that scope."""
    if filters.since is None and filters.until is None and not filters.team:
        path = access.db_path()
        return _materialised_periods(str(path), store.data_version(path), model, grain)
    return ledger_query("model_periods", replace(filters, model=[model]), grain=grain)


def ledger_ignores(filters: Filters) -> list[str]:
    """Sidebar filters the per-model ledger has no dimension for (it spans every provider and region)."""
    return [name for name in ("provider", "workload", "region") if getattr(filters, name)]


def report(period: Period, scope: Scope, fmt: str) -> dict[str, Any]:
    """The ESG report for a period and scope rendered as fmt (footprint.report), or its one-line error."""
    settings = get_settings()
    out: dict[str, Any] = {"period": period, "scope": scope}
    try:
        with access.reading() as con:
            built, blob = export(
                con, period, scope, fmt, organisation=settings.organisation, scope_label=settings.scope_label
            )
    except ReportError as exc:
        return {**out, "error": str(exc)}
    return {**out, "bytes": blob, "file_name": file_name(built, fmt), "empty": built.is_empty}


def options() -> dict[str, Any]:
    """Values each filter can take and the charge-period bounds, for the sidebar."""
    return query("filter_options")


def has_data() -> bool:
    """Whether anything at all has been loaded (as opposed to filters that match nothing)."""
    return options()["first_day"] is not None


# ---------------------------------------------------------------------------------------------- uploads
