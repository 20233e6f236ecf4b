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
    "resource_id": "Resource id",
    "resource_name": "Resource",
    "note": "Note",
    "batch_id": ("Batch", 0),
    "file_name": "File",
    "format_label": "Format",
    "rows_read": ("Rows read", 0),
    "rows_loaded": ("Rows loaded", 0),
    "rows_skipped": ("Rows skipped", 0),
    "skipped_because": "Skipped because",
    "ingested_at": "Loaded at",
    "superseded_by": ("Replaced by batch", 0),
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
    df: pd.DataFrame,
    *,
    name: str,
    column_config: dict | None = None,
    empty: str = EMPTY_FILTERS,
    column_order: list[str] | None = None,
) -> None:
    """A table with readable headers (units included) and its CSV download, or the empty message.

    A missing value reads as a dash, in number columns too (the grid would print 'None'). `column_order`
    shows only those columns, in that order; the CSV keeps every column of `df`."""
    if df.empty:
        st.info(empty)
        return
    st.dataframe(
        _shown(df),
        hide_index=True,
        column_config=_column_config(df, column_config),
        column_order=column_order,
        width="stretch",
        placeholder=units.EN_DASH,
    )
    st.download_button(
        "Download CSV",
        csv_bytes(df),
        file_name=f"{slug(name)}.csv",
        mime="text/csv",
        key=f"csv-{slug(name)}",
        on_click="ignore",
    )


# Card labels wrap instead of ending in an ellipsis ("Location-based emis…" in four columns at 1280 px).
_CARD_CSS = (
    "<style>[data-testid='stMetricLabel'], [data-testid='stMetricLabel'] * "
    "{white-space: normal !important; overflow: visible !important; text-overflow: clip !important; "
    "height: auto !important;}</style>"
)


def kpi(
    column: st.delta_generator.DeltaGenerator,
    label: str,
    value: str,
    detail: str | list[str] | None = None,
    help: str | None = None,
) -> None:
    """One headline figure with its range or method (one caption per line of `detail`) underneath."""
    with column.container(border=True):
        st.html(_CARD_CSS)  # a style-only body takes no space
        st.metric(label, value, help=help)
        for line in [detail] if isinstance(detail, str) else detail or []:
            st.caption(line)


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
# The scope each row is reported under, short and long, by the id footprint_items.scope_label stores.
SCOPE_NAMES = {"scope3_cat1": "Scope 3 cat. 1", "scope2": "Scope 2"}
SCOPE_MEANING = {"scope3_cat1": "purchased cloud services", "scope2": "own or colocated hardware"}
EMISSIONS = ("scope2_location_kgco2e", "scope2_market_kgco2e")


def scope_label() -> str:
    """'cloud' or 'owned' (FOOTPRINT_SCOPE_LABEL): under which scope cloud-billed emissions are reported."""
    return get_settings().scope_label


def scope_split(f: Filters) -> pd.DataFrame:
    """Location- and market-based emissions per reporting scope (column `scope`: scope2 | scope3_cat1),
    largest first: the split the PDF report prints, by the scope each line item was estimated under."""
    return data.query("scope_split", f)


def scope_sentence(split: pd.DataFrame, column: str, scale: units.Scale | None = None) -> str:
    """'Scope 3 cat. 1: 24.9 t CO2e; Scope 2: 0.160 t CO2e': in `scale` (the card's), else in one unit
    chosen by the largest."""
    values = list(split[column])
    texts = [units.quantity(v, "co2e", scale) for v in values] if scale else units.quantities(values, "co2e")
    return "; ".join(f"{SCOPE_NAMES[s]}: {t}" for s, t in zip(split["scope"], texts, strict=True))


def scope_help(split: pd.DataFrame) -> str:
    """'reported under Scope 3 category 1 (purchased cloud services) and Scope 2 (own or colocated
    hardware)': the scopes actually present in a figure."""
    names = [f"{SCOPE_NAMES[s].replace('cat.', 'category')} ({SCOPE_MEANING[s]})" for s in split["scope"]]
    if not names:
        return "no emissions in this scope"
    if len(names) == 1:
        return f"reported under {names[0]}"
    return "reported under " + " and ".join(names) + " (split on the Emissions page)"


def range_columns(df: pd.DataFrame | dict, column: str) -> tuple[str | None, str | None]:
    """Names of a metric's low and high columns, where the metric has a range."""
    low, high = f"{column}_low", f"{column}_high"
    present = df.columns if isinstance(df, pd.DataFrame) else df.keys()
    return (low, high) if low in present and high in present else (None, None)


def value_and_range(
    k: dict, column: str, kind: str, scale: units.Scale | None = None
) -> tuple[str, str | None]:
    """Card text for a metric and, below it, its range (in `scale` when the row of cards shares one)."""
    value = k.get(column)
    low, high = range_columns(k, column)
    text = units.quantity(value, kind, scale)
    if not low or value is None:
        return text, None
    return text, "range " + range_text(value, k[low], k[high], kind, scale)


def cards_scale(k: dict, columns: list[str] | tuple[str, ...], kind: str) -> units.Scale:
    """The one unit a row of cards shows its figures in: that of the largest of them."""
    return units.pick_scale([k.get(c) for c in columns], kind)


def range_text(
    central: float, low: float | None, high: float | None, kind: str, scale: units.Scale | None = None
) -> str:
    """'10.9–20.5 MWh': low and high in the central value's unit (or the given one) and precision."""
    scale = scale or units.pick_scale(central, kind)
    return units.range_in(low, high, scale, units.decimals_for(central / scale.divisor))


def scope_text(f: Filters) -> str:
    parts = []
    if f.since or f.until:
        parts.append(f"{f.since or 'start'} to {f.until or 'latest'}")
    for name in ("provider", "team", "model", "workload", "region"):
        values = getattr(f, name)
        if values:
            parts.append(f"{name}: {', '.join(values)}")
    return "Showing " + ("; ".join(parts) if parts else "all data") + " (filters in the sidebar)."


def headline_cards(k: dict, f: Filters | None = None) -> None:
    """The eight headline figures of a scope (`f`, default the sidebar's filters), each with its range or
    how it was made. The energy cards share one unit, the emissions cards another (the largest's)."""
    scope = scope_help(scope_split(f or filters.current()))
    energy_scale = cards_scale(k, ["energy_kwh", "facility_energy_kwh"], "energy")
    co2e_scale = cards_scale(k, EMISSIONS, "co2e")
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
        text, detail = value_and_range(k, column, kind, energy_scale if kind == "energy" else co2e_scale)
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


def resource_name(resource_id: object) -> str:
    """A readable name for a provider's resource id: its last path segment ('nc-a100-serve-00' of an Azure
    '/subscriptions/.../virtualMachines/nc-a100-serve-00', 'atlas-30b-eval' of an ARN '...:endpoint/atlas-30b-eval');
    an id without a path ('i-0b305710a50d3f6b5') is its own name."""
    text = str(resource_id)
    last = text.rstrip("/").rsplit("/", 1)[-1]
    return last or text


def number_column(label: str, decimals: int = 1, *, signed: bool = False) -> st.column_config.NumberColumn:
    """A table column with its unit in the label and thousands separators ('IT energy (kWh)', 1,234.5)."""
    return st.column_config.NumberColumn(label, format=f"%{'+' if signed else ''},.{decimals}f")
