"""Report: the ESG summary for a period and a scope as PDF, XLSX or CSV, for the sidebar's team and model.

The document is built by footprint.report, the same code as `footprint report`, so its headline figures
equal what the Overview shows for the same days and scope.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import components, data, filters
from footprint.report import FORMATS, Period, Scope

st.title("Report")
f = filters.current()
if not data.has_data():
    components.no_database_yet()
    st.stop()

opts = data.options()
first, last = opts["first_day"], opts["last_day"]
st.markdown(
    "An auditor-ready summary of a period: IT and facility energy, both Scope 2 methods with their ranges, "
    "energy by provider and region, training vs inference per model, the trend against the previous "
    "period, contractual instruments, factor and PUE sources, and data quality."
)


def _months(first: date, last: date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


months = _months(first, last)
quarters = sorted({f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in months})
years = sorted({m[:4] for m in months})
kind = st.segmented_control("Period", ["Month", "Quarter", "Year", "Sidebar dates"], default="Quarter",
                            key="report-kind") or "Quarter"
if kind == "Sidebar dates":
    period = Period.custom(f.since or first, f.until or last)
else:
    choices = {"Month": months, "Quarter": quarters, "Year": years}[kind]
    period = Period.parse(st.selectbox(kind, choices[::-1], key=f"report-{kind}"))
scope = Scope(teams=tuple(f.team), models=tuple(f.model))
st.caption(f"Period {period.label} ({period.since} to {period.until}); scope: {scope.label} "
           "(team and model from the sidebar).")
ignored = data.ledger_ignores(f)
if ignored:
    st.info(f"A report covers the whole organisation or teams and models; the {', '.join(ignored)} filter "
            "does not apply to it.")

cols = st.columns(len(FORMATS))
for col, fmt in zip(cols, FORMATS, strict=True):
    with col:
        if st.button(f"Prepare {fmt.upper()}", key=f"report-build-{fmt}", width="stretch"):
            with st.spinner(f"Building the {fmt.upper()} report"):
                st.session_state[f"report-{fmt}"] = data.report(period, scope, fmt)
        built = st.session_state.get(f"report-{fmt}")
        if built and built["period"] == period and built["scope"] == scope:
            if built.get("error"):
                st.error(built["error"])
            else:
                st.download_button(f"Download {built['file_name']}", built["bytes"], file_name=built["file_name"],
                                   mime=FORMATS[fmt], key=f"report-download-{fmt}", on_click="ignore",
                                   type="primary", width="stretch")
                if built["empty"]:
                    st.caption("No data in this period and scope: the report says so.")
