"""Page building blocks shared by the views: a chart with its data download, KPI cards, empty states.

Every chart goes through `chart()`, so every chart on every page has the same guarantees: an empty
result says so instead of drawing empty axes, and the data behind the chart downloads as CSV with the
units in its column names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data, filters
from dashboard.style import SERIES_COLOURS, Measure
from footprint import units
from footprint.queries import Filters
from footprint.settings import get_settings

# Cells a spreadsheet would read as a formula (or a DDE payload) when they start with these characters.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

EMPTY_FILTERS = "No data matches the current filters. Widen the date range or clear a filter in the sidebar."


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV of a table in which no text cell can act as a spreadsheet formula (text from uploaded files)."""
    safe = df.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return safe.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def chart(
    df: pd.DataFrame | None,
    build: Callable[[pd.DataFrame], Any],
    *,
    name: str,
    download: pd.DataFrame | None = None,
    empty: str = EMPTY_FILTERS,
) -> None:
    """Draw `build(df)` with a CSV download of `download` (default: df), or say that there is nothing to show."""
    if df is None or df.empty:
        st.info(empty)
        return
    fig = build(df)
    if isinstance(fig, dict):  # a Vega-Lite spec (dashboard.vega)
        st.vega_lite_chart(spec=fig, key=f"chart-{slug(name)}", width="stretch")
    else:  # a plotly figure (dashboard.charts)
        st.plotly_chart(fig, key=f"chart-{slug(name)}", config={"displaylogo": False})
    st.download_button(
        "Download CSV",
        csv_bytes(df if download is None else download),
        file_name=f"{slug(name)}.csv",
        mime="text/csv",
        key=f"csv-{slug(name)}",
        help="The data behind this chart, in the units named in each column header",
        on_click="ignore",
    )


# Headers of table columns that recur across pages: text, or (label with unit, decimals) for numbers.
LABELS: dict[str, str | tuple[str, int]] = {
    "provider": "Provider",
    "region": "Region",
    "service": "Service",
    "team": "Team",
    "model": "Model",
    "workload": "Workload",
    "resource_id": "Resource",
    "billing_currency": "Currency",
    "method": "Method",
    "usage_type": "Usage type (SKU)",
    "usage_unit": "Usage unit",
    "not_modelled_reason": "Why no estimate",
    "missing": "Missing",
    "grid_zone": "Grid zone",
    "location_factor_zone": "Zone of the factor used",
    "location_factor_source": "Factor source",
    "location_factor_basis": "Basis",
    "location_factor_fallback": "Fallback",
    "location_hourly": "Hourly factors",
    "market_method": "Market-based method",
    "market_factor_source": "How",
    "pue_source": "Source",
    "instrument_ids": "Instruments",
    "instrument_type": "Type",
    "zone_or_region": "Zone or region",
    "period_start": "From",
    "period_end": "To (inclusive)",
    "certification": "Certification",
    "host": "Host",
    "gpu": "GPU",
    "accelerator": "Accelerator",
    "line_items": ("Line items", 0),
    "footprint_rows": ("Rows (billing and telemetry)", 0),
    "energy_kwh": ("IT energy (kWh)", 1),
    "facility_energy_kwh": ("Facility energy (kWh)", 1),
    "measured_energy_kwh": ("Measured energy (kWh)", 2),
    "scope2_location_kgco2e": ("Location-based (kg CO2e)", 1),
    "location_kgco2e": ("Location-based (kg CO2e)", 1),
    "scope2_market_kgco2e": ("Market-based (kg CO2e)", 1),
    "market_kgco2e": ("Market-based (kg CO2e)", 1),
    "billed_cost": ("Billed cost", 2),
    "usage_cost": ("Usage cost", 2),
    "spend_based_energy_kwh": ("Spend-based energy (kWh, separate method)", 1),
    "effective_g_per_kwh": ("Effective factor (gCO2e/kWh)", 1),
    "instrument_covered_kwh": ("Covered by instruments (kWh)", 1),
    "covered_h": ("Hours with samples (h)", 1),
    "avg_power_w": ("Average power (W)", 0),
}


def _column_config(df: pd.DataFrame, overrides: dict | None) -> dict:
    config: dict = {}
    for column in df.columns:
        label = LABELS.get(str(column))
        if pd.api.types.is_datetime64_any_dtype(df[column]):  # days as days, times as UTC minutes
            text = label if isinstance(label, str) else str(column)
            values = df[column].dropna()
            if (values == values.dt.normalize()).all():
                config[column] = st.column_config.DateColumn(text, format="YYYY-MM-DD")
            else:
                config[column] = st.column_config.DatetimeColumn(f"{text} (UTC)", format="YYYY-MM-DD HH:mm")
        elif isinstance(label, tuple):
            config[column] = number_column(*label)
        elif label:
            config[column] = label
    return {**config, **(overrides or {})}


def _shown(df: pd.DataFrame) -> pd.DataFrame:
    """The table as displayed: a missing text value reads as a dash, not as 'None'."""
    shown = df.copy()
    for column in shown.columns:
        if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            shown[column] = shown[column].astype(object).where(shown[column].notna(), units.EN_DASH)
    return shown


def table(
    df: pd.DataFrame, *, name: str, column_config: dict | None = None, empty: str = EMPTY_FILTERS
) -> None:
    """A table with readable headers (units included) and its CSV download, or the empty message."""
    if df.empty:
        st.info(empty)
        return
    st.dataframe(
        _shown(df), hide_index=True, column_config=_column_config(df, column_config), width="stretch"
    )
    st.download_button(
        "Download CSV",
        csv_bytes(df),
        file_name=f"{slug(name)}.csv",
        mime="text/csv",
        key=f"csv-{slug(name)}",
        on_click="ignore",
    )


def kpi(
    column: st.delta_generator.DeltaGenerator,
    label: str,
    value: str,
    detail: str | None = None,
    help: str | None = None,
) -> None:
    """One headline figure with its range or method underneath."""
    with column.container(border=True):
        st.metric(label, value, help=help)
        if detail:
            st.caption(detail)


METHODOLOGY_PAGE = "views/methodology.py"


def methodology_link(what: str = "these figures") -> None:
    """One click from a figure to how it is made: formulas, coefficients, sources, coverage."""
    st.page_link(
        METHODOLOGY_PAGE,
        label=f"How {what} are made: methods, factors, sources and data quality",
        icon=":material/fact_check:",
    )


def page_start(title: str, intro: str | None = None) -> Filters:
    """A data page's head: its title, the sidebar's filters, the scope line and an introduction. On a
    store with nothing loaded yet it says how to begin and stops the page."""
    st.title(title)
    f = filters.current()
    if not data.has_data():
        no_database_yet()
        st.stop()
    st.caption(scope_text(f))
    if intro:
        st.markdown(intro)
    return f


def kpis_or_stop(f: Filters) -> dict:
    """The headline figures under the filters; when no row matches, says so and stops the page."""
    k = data.query("kpis", f)
    if not k["footprint_rows"]:
        st.info(EMPTY_FILTERS)
        st.stop()
    return k


def no_database_yet() -> None:
    st.info(
        "No data loaded yet. Open **Upload** to add a billing export or telemetry log, "
        "or start the demo with `footprint demo`."
    )


def retry_button() -> None:
    if st.button("Retry now"):
        st.rerun()


# ---------------------------------------------------------------------------------------------- headline figures

TREND_MEASURES = {
    "IT energy": Measure("energy_kwh", "IT energy", "energy", colour=SERIES_COLOURS["it"]),
    "Facility energy": Measure(
        "facility_energy_kwh", "Facility energy", "energy", colour=SERIES_COLOURS["facility"]
    ),
    "Location-based emissions": Measure(
        "scope2_location_kgco2e", "Location-based emissions", "co2e", colour=SERIES_COLOURS["location"]
    ),
    "Market-based emissions": Measure(
        "scope2_market_kgco2e", "Market-based emissions", "co2e", colour=SERIES_COLOURS["market"]
    ),
}

SCOPE_LABELS = {
    "cloud": "reported under Scope 3 category 1 (purchased cloud services)",
    "owned": "reported under Scope 2 (own or colocated hardware)",
}


def scope_label() -> str:
    """'cloud' or 'owned' (FOOTPRINT_SCOPE_LABEL): under which scope these emissions are reported."""
    return get_settings().scope_label


def range_columns(df: pd.DataFrame | dict, column: str) -> tuple[str | None, str | None]:
    """Names of a metric's low and high columns, where the metric has a range."""
    low, high = f"{column}_low", f"{column}_high"
    present = df.columns if isinstance(df, pd.DataFrame) else df.keys()
    return (low, high) if low in present and high in present else (None, None)


def value_and_range(k: dict, column: str, kind: str) -> tuple[str, str | None]:
    """Card text for a metric and, below it, its range."""
    value = k.get(column)
    low, high = range_columns(k, column)
    text = units.quantity(value, kind)
    if not low or value is None:
        return text, None
    return text, "range " + range_text(value, k[low], k[high], kind)


def range_text(central: float, low: float | None, high: float | None, kind: str) -> str:
    """'10.9–20.5 MWh': low and high in the central value's unit and precision (as footprint.units does)."""
    scale = units.pick_scale(central, kind)
    decimals = units.decimals_for(central / scale.divisor)
    ends = [units.number(None if v is None else v / scale.divisor, decimals) for v in (low, high)]
    return f"{ends[0]}{units.EN_DASH}{ends[1]} {scale.unit}"


def scope_text(f: Filters) -> str:
    parts = []
    if f.since or f.until:
        parts.append(f"{f.since or 'start'} to {f.until or 'latest'}")
    for name in ("provider", "team", "model", "workload", "region"):
        values = getattr(f, name)
        if values:
            parts.append(f"{name}: {', '.join(values)}")
    return "Showing " + ("; ".join(parts) if parts else "all data") + " (filters in the sidebar)."


def headline_cards(k: dict) -> None:
    """The eight headline figures of a scope, each with its range or how it was made."""
    scope = SCOPE_LABELS[scope_label()]
    row = st.columns(4)
    for col, (label, column, kind, help_text) in zip(
        row,
        [
            (
                "IT energy",
                "energy_kwh",
                "energy",
                "Energy drawn by the servers and accelerators (PUE not applied).",
            ),
            ("Facility energy", "facility_energy_kwh", "energy", "IT energy x PUE of the data centre."),
            (
                "Location-based emissions",
                "scope2_location_kgco2e",
                "co2e",
                f"Facility energy x the grid's average factor; {scope}.",
            ),
            (
                "Market-based emissions",
                "scope2_market_kgco2e",
                "co2e",
                f"After contractual instruments and residual-mix factors; {scope}.",
            ),
        ],
        strict=True,
    ):
        text, detail = value_and_range(k, column, kind)
        kpi(col, label, text, detail, help_text)
    row = st.columns(4)
    kpi(
        row[0],
        "Cost",
        units.money_by_currency(k.get("cost") or {}),
        "billed cost, per currency",
        "Sum of billed cost; different currencies are never added together.",
    )
    kpi(
        row[1],
        "Coverage",
        units.percent(k.get("coverage")),
        "share of usage cost with an energy estimate",
        "Usage that no coefficient covers is listed on the Methodology & data quality page.",
    )
    kpi(
        row[2],
        "Measured share",
        units.percent(k.get("measured_share")),
        f"{units.energy(k.get('measured_energy_kwh'))} measured by telemetry",
        "Share of IT energy that comes from telemetry rather than from the model.",
    )
    kpi(row[3], "Line items", units.number(k.get("line_items"), 0), "billing rows in scope")


def month_span(month_start: date, last_day: date | None) -> str:
    """'May 2025', or 'May 2025 (to 15 May, partial)' when the data stops before the month ends."""
    month_start = pd.Timestamp(month_start).date()
    month_end = (pd.Timestamp(month_start) + pd.offsets.MonthEnd(0)).date()
    if last_day is not None and last_day < month_end:
        return f"{month_start:%B %Y} (to {last_day:%d %b}, partial)"
    return f"{month_start:%B %Y}"


def number_column(label: str, decimals: int = 1, *, signed: bool = False) -> st.column_config.NumberColumn:
    """A table column with its unit in the label and thousands separators ('IT energy (kWh)', 1,234.5)."""
    return st.column_config.NumberColumn(label, format=f"%{'+' if signed else ''},.{decimals}f")
