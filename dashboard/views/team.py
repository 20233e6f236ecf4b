"""Team dashboards: one team's models, trend, top resources and month-on-month change.

Where an ML platform lead lands, so its charts are Vega-Lite like the Overview's (dashboard.vega: no
plotly.js to load before the first chart draws).

A link with ?team=NAME lands on that team (the same parameter as the sidebar's team filter), so a team
can bookmark its own page. Picking another team here sets the team filter, and the link follows.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import components, data, filters, vega
from dashboard.style import Measure
from footprint import units

st.title("Team dashboards")
f = filters.current()
if not data.has_data():
    components.no_database_yet()
    st.stop()

teams = data.options()["team"]
if len(f.team) == 1:
    team = f.team[0]
else:
    by_team = data.query("totals", replace(f, team=[]), by=["team"], metrics=["energy_kwh"])
    ranked = (
        by_team.sort_values("energy_kwh", ascending=False)["team"].tolist() if not by_team.empty else teams
    )
    team = ranked[0] if ranked else teams[0]
picked = st.selectbox(
    "Team",
    teams,
    index=teams.index(team),
    key="team-picker",
    help="Sets the sidebar's team filter; share the link to land on this team.",
    on_change=lambda: filters.set_team(st.session_state["team-picker"]),
)
scope = replace(f, team=[picked])
st.caption(components.scope_text(scope))

k = data.query("kpis", scope)
if not k["footprint_rows"]:
    st.info(components.EMPTY_FILTERS)
    st.stop()
components.headline_cards(k, scope)
components.methodology_link()

energy = Measure("energy_kwh", "IT energy", "energy")
st.subheader(f"Models of {picked}")
by_model = data.query(
    "totals",
    scope,
    by=["model", "workload"],
    metrics=["energy_kwh", "facility_energy_kwh", "scope2_location_kgco2e", "scope2_market_kgco2e"],
)
components.chart(
    by_model[
        [
            "model",
            "workload",
            "energy_kwh",
            "facility_energy_kwh",
            "scope2_location_kgco2e",
            "scope2_market_kgco2e",
        ]
    ],
    lambda d: vega.stacked_bars(
        d, "model", "workload", energy, f"IT energy per model of team {picked}, by workload"
    ),
    name=f"team-{picked}-models",
)

st.subheader("Trend")
trend = data.query("totals", scope, by=["workload"], grain="month", metrics=["energy_kwh"])
components.chart(
    trend[["period", "workload", "energy_kwh"]],
    lambda d: vega.trend(d, energy, f"IT energy of {picked} per month by workload", colour_by="workload"),
    name=f"team-{picked}-trend",
)

st.subheader("Month-on-month change by model")
mom = data.query("month_on_month", scope, by="model", metric="energy_kwh")
if mom.empty:
    st.info(components.EMPTY_FILTERS)
else:
    this, prev = mom["this_month"].iloc[0], mom["previous_month"].iloc[0]
    last_day = scope.until or data.options()["last_day"]
    st.caption(f"IT energy in {components.month_span(this, last_day)} against {prev:%B %Y}.")
    shown = mom.rename(
        columns={
            "grp": "model",
            "current_value": "energy_kwh_this_month",
            "previous_value": "energy_kwh_previous_month",
            "change": "change_kwh",
        }
    )
    shown["change_pct"] = shown.pop("change_share") * 100
    # A change in % needs energy in the earlier month; say so instead of leaving the cell empty.
    shown["note"] = (
        shown["energy_kwh_previous_month"]
        .fillna(0)
        .eq(0)
        .map({True: f"no IT energy in {prev:%b %Y}: no change in %", False: ""})
    )
    components.table(
        shown[
            [
                "model",
                "energy_kwh_this_month",
                "energy_kwh_previous_month",
                "change_kwh",
                "change_pct",
                "note",
            ]
        ],
        name=f"team-{picked}-month-on-month",
        column_config={
            "energy_kwh_this_month": components.number_column(f"{this:%b %Y} (kWh)", 1),
            "energy_kwh_previous_month": components.number_column(f"{prev:%b %Y} (kWh)", 1),
            "change_kwh": components.number_column("Change (kWh)", 1, signed=True),
            "change_pct": st.column_config.NumberColumn("Change (%)", format="%+.1f %%"),
            "note": st.column_config.TextColumn("Note", width="medium"),
        },
    )

st.subheader("Top resources by IT energy")
top = data.query("top_resources", scope, limit=10, order_by="energy_kwh")
top.insert(0, "resource_name", top["resource_id"].map(components.resource_name))
top["note"] = top["energy_kwh"].isna().map({True: "not estimated: unknown SKU or no usage", False: ""})
components.table(
    top,
    name=f"team-{picked}-top-resources",
    column_order=[
        "resource_name",
        "energy_kwh",
        "scope2_location_kgco2e",
        "note",
        "provider",
        "service",
        "region",
        "model",
        "resource_id",
    ],
    column_config={
        "resource_name": st.column_config.TextColumn(
            "Resource", help="The last part of the provider's resource id; the full id is the last column."
        ),
        "resource_id": st.column_config.TextColumn("Full resource id", width="large"),
        "note": st.column_config.TextColumn("Note", width="medium"),
    },
)
if top["energy_kwh"].isna().any():
    st.caption(
        "A dash in the energy columns: no coefficient covers this resource's usage (an unknown SKU or an "
        "accelerator without a published power figure, such as a TPU) or it carries no usage (fees, "
        "purchases). Its spend-based estimate is listed on the Methodology & data quality page."
    )
st.caption(f"{picked}: {units.money_by_currency(k['cost'])} billed in this period.")
