"""Energy & PUE: IT vs facility energy by provider and region, and every PUE applied with its source."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, data
from dashboard.charts import SERIES_COLOURS, Measure
from footprint import units

f = components.page_start(
    "Energy & PUE",
    "**IT energy** is what the servers, accelerators, memory, storage and network draw; **facility energy** "
    "adds the data centre's overhead: facility energy = IT energy x PUE (power usage effectiveness).",
)

k = components.kpis_or_stop(f)
cols = st.columns(3)
card_scale = components.cards_scale(k, ["energy_kwh", "facility_energy_kwh"], "energy")
for col, (label, column) in zip(
    cols[:2], [("IT energy", "energy_kwh"), ("Facility energy", "facility_energy_kwh")], strict=True
):
    text, detail = components.value_and_range(k, column, "energy", card_scale)
    components.kpi(col, label, text, detail)
ratio = (k.get("facility_energy_kwh") or 0) / k["energy_kwh"] if k.get("energy_kwh") else None
components.kpi(cols[2], "Average PUE applied", units.pue(ratio), "facility energy / IT energy over the scope")
components.methodology_link()

errors = {
    "energy_kwh": ("energy_kwh_low", "energy_kwh_high"),
    "facility_energy_kwh": ("facility_energy_kwh_low", "facility_energy_kwh_high"),
}
tables = {
    dim: data.query(
        "totals", f, by=[dim], metrics=[c for pair in errors.items() for c in (pair[0], *pair[1])]
    )
    for dim in ("provider", "region")
}
# Both charts in one unit: that of the largest value either shows (facility energy of the largest provider).
PAGE_UNIT = units.pick_scale(
    [float(v) for t in tables.values() for c in errors for v in t[c].dropna()], "energy"
)
IT = Measure("energy_kwh", "IT energy", "energy", colour=SERIES_COLOURS["it"], unit=PAGE_UNIT)
FACILITY = Measure(
    "facility_energy_kwh", "Facility energy", "energy", colour=SERIES_COLOURS["facility"], unit=PAGE_UNIT
)

for dim, heading in (("provider", "By provider"), ("region", "By region")):
    st.subheader(heading)
    table = tables[dim]
    table = (
        table[table["energy_kwh"].fillna(0) > 0].sort_values("facility_energy_kwh", ascending=False).head(20)
    )
    present = {c: pair for c, pair in errors.items() if all(x in table for x in pair)}
    shown = [dim, "energy_kwh", "facility_energy_kwh", *[c for pair in present.values() for c in pair]]
    components.chart(
        table[shown],
        lambda d, dim=dim, present=present: charts.side_by_side(
            d,
            dim,
            [IT, FACILITY],
            f"IT vs facility energy by {dim}" + (" (largest 20)" if dim == "region" else ""),
            value_label="Energy",
            errors=present,
        ),
        name=f"energy-by-{dim}",
    )

st.subheader("PUE values used")
st.caption(
    "Per provider, region and year, with the published source; a user override shows its file as source."
)
pue = data.query("pue_used", f)
components.table(
    pue,
    name="pue-used",
    column_config={
        "pue": components.number_column("PUE", 2),
        "pue_year": st.column_config.NumberColumn("Year of the figure", format="%d"),
    },
)
