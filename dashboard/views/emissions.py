"""Emissions: location- and market-based side by side, by region and over time, with every factor's source.

The GHG Protocol's Scope 2 guidance asks for both methods. Location-based uses the average intensity of
the grid the data centre draws from; market-based first applies contractual instruments (PPAs,
certificates, green tariffs), then residual-mix factors, and falls back to the location-based factor
where neither exists (flagged below).
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, data
from dashboard.charts import SERIES_COLOURS, Measure
from footprint import units

f = components.page_start(
    "Emissions",
    "**Location-based** uses the average intensity of the grid each data centre draws from. **Market-based** "
    "applies your contractual instruments first (PPAs, certificates, green tariffs), then residual-mix factors, "
    "and falls back to the location-based factor where neither exists (flagged below).",
)

k = components.kpis_or_stop(f)
LOCATION = components.TREND_MEASURES["Location-based emissions"]
MARKET = components.TREND_MEASURES["Market-based emissions"]
cols = st.columns(2)
HELP = {
    LOCATION.column: "Facility energy x the average grid factor of each region's zone for the year (table below).",
    MARKET.column: "Facility energy x the factor of your contractual instruments, then the residual mix, then the "
    "location-based factor as a flagged last resort (tables below).",
}
split = components.scope_split(f)
card_scale = components.cards_scale(k, components.EMISSIONS, "co2e")
for col, m in zip(cols, (LOCATION, MARKET), strict=True):
    text, detail = components.value_and_range(k, m.column, "co2e", card_scale)
    lines = [detail] if detail else []
    if len(split) > 1:  # the figure spans two reporting scopes: say how much is in each
        lines.append(components.scope_sentence(split, m.column, card_scale))
    components.kpi(col, m.label, text, lines, f"{HELP[m.column]} Emissions {components.scope_help(split)}.")
st.markdown("**Reporting scope**")
st.caption(
    "Cloud services you buy are reported under Scope 3 category 1 (or Scope 2 where the scope label "
    "setting says the hardware is your own); on-premises hardware is always Scope 2. The PDF report "
    "splits its figures the same way."
)
components.table(
    split.assign(
        scope=split["scope"].map(lambda s: f"{components.SCOPE_NAMES[s]} ({components.SCOPE_MEANING[s]})")
    ),
    name="emissions-by-scope",
    column_config={"scope": "Reported under"},
)
components.methodology_link()

st.subheader("By region")
RANGED = [f"{m.column}{s}" for m in (LOCATION, MARKET) for s in ("", "_low", "_high")]
regions = data.query("totals", f, by=["region"], metrics=RANGED)
regions = regions[regions[LOCATION.column].fillna(0) + regions[MARKET.column].fillna(0) > 0]
regions = regions.sort_values(LOCATION.column, ascending=False).head(20)
grain = st.session_state.get("em-grain", "month")
over_time = data.query("totals", f, grain=grain, metrics=RANGED)
# Both charts in one unit, that of the largest value either shows (a region's total, usually).
PAGE_UNIT = units.pick_scale(
    [float(v) for d in (regions, over_time) for c in (LOCATION.column, MARKET.column) for v in d[c].dropna()],
    "co2e",
)
both = [
    Measure(LOCATION.column, "Location-based", "co2e", colour=SERIES_COLOURS["location"], unit=PAGE_UNIT),
    Measure(MARKET.column, "Market-based", "co2e", colour=SERIES_COLOURS["market"], unit=PAGE_UNIT),
]
errors = {m.column: components.range_columns(regions, m.column) for m in both}
errors = {c: pair for c, pair in errors.items() if pair[0]}
components.chart(
    regions[["region", LOCATION.column, MARKET.column, *[c for pair in errors.values() for c in pair]]],
    lambda d: charts.side_by_side(
        d,
        "region",
        both,
        "Location- vs market-based emissions by region (largest 20)",
        value_label="Emissions",
        errors=errors,
    ),
    name="emissions-by-region",
)

st.subheader("Over time")
st.selectbox("Period", ["month", "week", "day"], key="em-grain")
components.chart(
    over_time[["period", *RANGED]],
    lambda d: charts.lines(
        d,
        "period",
        both,
        f"Location- vs market-based emissions per {grain} (bands: low to high estimate)",
        x_label=grain.capitalize(),
        value_label="Emissions",
        grain=grain,
    ),
    name="emissions-over-time",
)

st.subheader("Location-based factors used")
st.caption(
    "Per region: the grid zone, the factor and its source and year. *Fallback* says when the exact zone and "
    "year were not available (nearest earlier year, country, provider average); *hourly* marks user-supplied "
    "hourly factors, shown as the effective factor over the period."
)
components.table(
    data.query("location_factors", f),
    name="location-factors",
    column_config={
        "location_factor_g_per_kwh": components.number_column("Factor (gCO2e/kWh)", 1),
        "location_factor_year": st.column_config.NumberColumn("Year of the factor", format="%d"),
    },
)

st.subheader("Market-based method")
st.caption(
    "How each region's market-based figure was made. `location_fallback` means no instrument and no "
    "residual-mix factor was available, so the location-based factor stands in."
)
components.table(
    data.query("market_methods", f),
    name="market-methods",
)

st.subheader("Contractual instruments applied")
components.table(
    data.query("instruments_applied", f),
    name="instruments-applied",
    empty="No contractual instrument covers energy in this scope. Load PPAs, certificates or green tariffs "
    "on the Upload page to apply them.",
    column_config={
        "factor_g_per_kwh": components.number_column("Factor (gCO2e/kWh)", 1),
        "instrument_covered_kwh": components.number_column("Covered by the instruments (kWh)", 1),
        "facility_energy_kwh": components.number_column("Facility energy of those rows (kWh)", 1),
    },
)
