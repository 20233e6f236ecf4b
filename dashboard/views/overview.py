"""Overview: the headline figures with their ranges, the trend, and where the footprint comes from."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, data, filters
from dashboard.charts import Measure
from footprint import units

st.title("Overview")
f = filters.current()
if not data.has_data():
    components.no_database_yet()
    st.stop()
st.caption(components.scope_text(f))

k = data.query("kpis", f)
if not k["footprint_rows"]:
    st.info(components.EMPTY_FILTERS)
    st.stop()

components.headline_cards(k)

# ---------------------------------------------------------------------------------------------- trend
st.subheader("Trend")
MEASURES = components.TREND_MEASURES
choice_default = "IT energy"
metric = (
    st.segmented_control(
        "Show",
        list(MEASURES) + ["Cost"],
        key="ov-metric",
        default=filters.url_choice("metric", [*MEASURES, "Cost"], choice_default),
    )
    or choice_default
)
filters.remember_choice("metric", metric, choice_default)
left, right, _ = st.columns([2, 2, 3])
colour_by = left.selectbox("Colour by", ["provider", "workload", "team", "model", "region"], key="ov-colour")
grain = right.selectbox("Period", ["month", "week", "day"], key="ov-grain")

if metric == "Cost":
    cost = data.query("costs", f, by=[colour_by], grain=grain)
    for currency, part in cost.groupby("billing_currency"):
        m = Measure("billed_cost", "Billed cost", "money", currency=str(currency))
        components.chart(
            part,
            lambda d, m=m, c=currency: charts.trend(
                d,
                m,
                f"Billed cost per {grain} by {colour_by} ({c})",
                colour_by=colour_by,
                period_label=grain.capitalize(),
            ),
            name=f"cost-trend-{currency}",
        )
    if cost.empty:
        st.info(components.EMPTY_FILTERS)
else:
    m = MEASURES[metric]
    series = data.query("totals", f, by=[colour_by], grain=grain, metrics=[m.column])
    components.chart(
        series[["period", colour_by, m.column]],
        lambda d: charts.trend(
            d, m, f"{metric} per {grain} by {colour_by}", colour_by=colour_by, period_label=grain.capitalize()
        ),
        name=f"trend-{metric}",
    )

# ---------------------------------------------------------------------------------------------- breakdowns
st.subheader("Where it comes from")
m = MEASURES.get(metric, MEASURES[choice_default])
dims = {"Provider": "provider", "Region": "region", "Service": "service", "Team": "team", "Model": "model"}
by = st.segmented_control("Break down by", list(dims), default="Provider", key="ov-by") or "Provider"
dim = dims[by]
low, high = f"{m.column}_low", f"{m.column}_high"
table = data.query("totals", f, by=[dim], metrics=[m.column, low, high])
components.chart(
    table[[dim, m.column, low, high]],
    lambda d: charts.breakdown(d, dim, m, f"{m.label} by {dim} (largest 15)", low=low, high=high),
    name=f"{dim}-{m.column}",
)
st.caption(
    "Error bars and ranges are the low and high estimates from the coefficient and utilisation ranges; "
    f"see Methodology & data quality. Figures cover {units.number(k['line_items'], 0)} billing line "
    f"item{'' if k['line_items'] == 1 else 's'} and the measured telemetry no bill covers."
)
