"""Overview: the headline figures with their ranges, the trend, and where the footprint comes from.

The page everyone lands on, so it is built to draw fast: its charts are Vega-Lite (dashboard.vega; no
plotly.js to load), and the trend and the breakdown are fragments, so changing how one of them is cut
reruns that chart alone instead of the whole page.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components, data, filters, vega
from dashboard.style import Measure
from footprint import units
from footprint.queries import Filters

MEASURES = components.TREND_MEASURES
CHOICES = [*MEASURES, "Cost"]
DEFAULT_CHOICE = "IT energy"
COLOUR_BY = ["provider", "workload", "team", "model", "region"]
BREAKDOWNS = {
    "Provider": "provider",
    "Region": "region",
    "Service": "service",
    "Team": "team",
    "Model": "model",
}


@st.fragment
def trend(f: Filters, metric: str) -> None:
    left, right, _ = st.columns([2, 2, 3])
    colour_by = left.selectbox("Colour by", COLOUR_BY, key="ov-colour")
    grain = right.selectbox("Period", ["month", "week", "day"], key="ov-grain")
    if metric == "Cost":
        cost = data.query("costs", f, by=[colour_by], grain=grain)
        if cost.empty:
            st.info(components.EMPTY_FILTERS)
        for currency, part in cost.groupby("billing_currency"):
            m = Measure("billed_cost", "Billed cost", "money", currency=str(currency))
            components.chart(
                part,
                lambda d, m=m, c=currency: vega.trend(
                    d, m, f"Billed cost per {grain} by {colour_by} ({c})", colour_by=colour_by, grain=grain
                ),
                name=f"cost-trend-{currency}",
            )
        return
    m = MEASURES[metric]
    series = data.query("totals", f, by=[colour_by], grain=grain, metrics=[m.column])
    components.chart(
        series[["period", colour_by, m.column]],
        lambda d: vega.trend(d, m, f"{metric} per {grain} by {colour_by}", colour_by=colour_by, grain=grain),
        name=f"trend-{metric}",
    )


@st.fragment
def breakdown(f: Filters, m: Measure) -> None:
    by = (
        st.segmented_control("Break down by", list(BREAKDOWNS), default="Provider", key="ov-by") or "Provider"
    )
    dim = BREAKDOWNS[by]
    low, high = f"{m.column}_low", f"{m.column}_high"
    table = data.query("totals", f, by=[dim], metrics=[m.column, low, high])
    components.chart(
        table[[dim, m.column, low, high]],
        lambda d: vega.breakdown(
            d, dim, m, f"{m.label} by {dim} (largest 15)", low=low, high=high, dim_label=by
        ),
        name=f"{dim}-{m.column}",
    )


f = components.page_start("Overview")

k = components.kpis_or_stop(f)

components.headline_cards(k)
components.methodology_link()

st.subheader("Trend")
metric = (
    st.segmented_control(
        "Show", CHOICES, key="ov-metric", default=filters.url_choice("metric", CHOICES, DEFAULT_CHOICE)
    )
    or DEFAULT_CHOICE
)
filters.remember_choice("metric", metric, DEFAULT_CHOICE)
trend(f, metric)

st.subheader("Where it comes from")
breakdown(f, MEASURES.get(metric, MEASURES[DEFAULT_CHOICE]))
st.caption(
    "Error bars and ranges are the low and high estimates from the coefficient and utilisation ranges; "
    f"see Methodology & data quality. Figures cover {units.number(k['line_items'], 0)} billing line "
    f"item{'' if k['line_items'] == 1 else 's'} and the measured telemetry no bill covers."
)
