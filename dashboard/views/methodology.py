"""Methodology & data quality: how the numbers are made, and what to fix so that more of them are measured.

Lists coverage, the estimation method behind each share of the footprint, the spend no rule attributed
to a team or model, and the usage no coefficient covers (unknown SKUs) with the cost each carries.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from dashboard import charts, components, data, filters
from dashboard.charts import Measure
from footprint import units
from footprint.settings import PROJECT_ROOT

st.title("Methodology & data quality")
f = filters.current()

st.markdown(
    "- **IT energy** per line item = resource-hours x power at the assumed utilisation (vCPUs, memory, "
    "accelerators, storage and network, each with its coefficient), or the **measured** energy where "
    "telemetry covers the resource; low / central / high from the coefficient and utilisation ranges.\n"
    "- **Facility energy** = IT energy x PUE of the provider (and region where published) for the year.\n"
    "- **Location-based emissions** = facility energy x the grid factor of the region's zone for the year.\n"
    "- **Market-based emissions** = facility energy x the factor of your contractual instruments, then the "
    "residual mix, then the location-based factor as a flagged last resort.\n"
    "- Usage no coefficient covers is **not** folded into these figures: it is counted below, and shown "
    "only as a separately labelled spend-based estimate."
)

if not data.has_data():
    components.no_database_yet()
    st.stop()
st.caption(components.scope_text(f))
k = components.kpis_or_stop(f)

st.subheader("Data quality")
cols = st.columns(3)
components.kpi(
    cols[0], "Coverage", units.percent(k.get("coverage")), "share of usage cost with an energy estimate"
)
components.kpi(
    cols[1], "Measured share", units.percent(k.get("measured_share")), "share of IT energy from telemetry"
)
unattributed = data.query("unattributed_spend", f)
components.kpi(
    cols[2],
    "Unattributed spend",
    units.money_by_currency(
        unattributed.groupby("billing_currency")["billed_cost"].sum().to_dict()
        if not unattributed.empty
        else {}
    ),
    "cost without a team or a model",
)

st.markdown("**How each part of the footprint was estimated**")
st.caption(
    "measured: telemetry; modelled: coefficients; spend_based: no coefficient, a separate cost-based "
    "estimate; none: nothing to estimate from. Usage cost per method, in each billing currency."
)
methods = data.query("method_shares", f)
for currency, part in methods.groupby("billing_currency"):
    cost = Measure("usage_cost", "Usage cost", "money", currency=str(currency))
    components.chart(
        part[part["usage_cost"].fillna(0) != 0][["method", "usage_cost", "footprint_rows", "energy_kwh"]],
        lambda d, cost=cost, c=currency: charts.breakdown(
            d, "method", cost, f"Usage cost by estimation method ({c})", dim_label="Method"
        ),
        name=f"usage-cost-by-method-{currency}",
        empty=f"No usage cost in {currency} in this scope.",
    )
# Why a cell of this table has no value: telemetry carries no bill, the other methods no modelled energy.
WHY_EMPTY = {
    "spend_based": "no coefficient: no modelled energy, a spend-based estimate instead",
    "none": "nothing to estimate from: no energy",
}
methods = methods.assign(
    note=[
        "telemetry without a bill: no cost" if pd.isna(currency) else WHY_EMPTY.get(str(method), "")
        for method, currency in zip(methods["method"], methods["billing_currency"], strict=True)
    ]
)
components.table(
    methods,
    name="estimation-methods",
    column_config={"estimated_usage_cost": components.number_column("Usage cost with an estimate", 2)},
)
st.caption("A dash marks a value the method does not have; the note says why.")

st.markdown("**Unknown SKUs: usage without an energy estimate, largest cost first**")
st.caption(
    "Map these (instance catalog, coefficients) to raise coverage. The spend-based energy is a separate, "
    "labelled method and never part of the modelled figures."
)
unknown = data.query("unmodelled_usage", f)
components.table(
    unknown[
        [
            "provider",
            "service",
            "usage_type",
            "usage_cost",
            "billing_currency",
            "line_items",
            "not_modelled_reason",
            "usage_unit",
            "method",
            "spend_based_energy_kwh",
        ]
    ],
    name="unknown-skus",
    empty="Every usage line item in this scope has an energy estimate.",
)

st.markdown("**Unattributed spend, by provider and service**")
st.caption("Rows no tag or rule gave a team or a model; fix them with tags or attribution rules.")
components.table(
    unattributed,
    name="unattributed-spend",
    empty="Every line item in this scope has a team and a model.",
)

doc = PROJECT_ROOT / "docs" / "methodology.md"
with st.expander("Full methodology (docs/methodology.md): every formula, coefficient, default and source"):
    if doc.is_file():
        st.markdown(doc.read_text(encoding="utf-8"))
    else:
        st.info("docs/methodology.md is not installed with this copy; see the project's repository.")


def _reasons(text: object) -> str | None:
    """'bad date: 3; blank cost: 1' from the batch's JSON of skip reasons and counts; None (a dash) when none."""
    counts = json.loads(str(text)) if isinstance(text, str) and text.strip() else {}
    return "; ".join(f"{reason}: {n:,}" for reason, n in sorted(counts.items())) or None


with st.expander("Data behind this page as loaded: files and their row counts"):
    batches = pd.DataFrame(data.query("batches"))
    if not batches.empty:
        labels = data.formats()  # 'FOCUS 1.0 (billing)', as the Upload page names a format
        batches["format_label"] = batches["detected_format"].map(lambda f: labels.get(f, f))
        batches["skipped_because"] = batches["skipped_reasons"].map(_reasons)
    components.table(
        batches,
        name="loaded-files",
        empty="No files loaded.",
        column_order=[
            "batch_id",
            "file_name",
            "format_label",
            "rows_read",
            "rows_loaded",
            "rows_skipped",
            "skipped_because",
            "ingested_at",
            "superseded_by",
        ],
    )
