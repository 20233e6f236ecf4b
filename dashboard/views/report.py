"""Report: the ESG summary of a period and a scope, downloaded as PDF, XLSX or CSV.

The period is a month, a quarter, a year, or the sidebar's dates, starting from the last quarter the data
covers from end to end; a period that reaches beyond the data is called partial here and in the document.
The scope is the whole organisation or teams and models, starting from the sidebar's team and model filters. The document is built by
footprint.report, the same code as `footprint report`, so its headline figures are the ones shown here
and on the Overview for the same days and scope. Building a PDF takes a few seconds, so each format is
prepared on request and then offered for download until the choice or the data changes.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import components, data, filters
from footprint.queries import Filters
from footprint.report import FORMATS, Period, Scope, default_period
from footprint.report.period import PeriodKind
from footprint.store import data_version

KINDS = ["Month", "Quarter", "Year", "Sidebar dates"]
PERIOD_KINDS: dict[str, PeriodKind] = {"Month": "month", "Quarter": "quarter", "Year": "year"}

st.title("Report")
f = filters.current()
if not data.has_data():
    components.no_database_yet()
    st.stop()

opts = data.options()
first, last = opts["first_day"], opts["last_day"]
st.markdown(
    "An auditor-ready summary of a period: IT and facility energy, both Scope 2 methods with their ranges, "
    "energy by provider and region (ESRS E1-5), emissions by both methods (E1-6), training vs inference per "
    "model, the trend against the previous period, contractual instruments, factor and PUE sources, data "
    "quality and the methodology statement. The XLSX adds the line items behind every figure."
)


def _months(first: date, last: date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _follow_sidebar(name: str, values: list[str]) -> None:
    """Start a scope picker from the sidebar's filter, and follow the sidebar whenever it changes."""
    seen = f"report-sidebar-{name}"
    if st.session_state.get(seen) != values:
        st.session_state[seen] = list(values)
        st.session_state[f"report-{name}"] = list(values)


months = _months(first, last)
quarters = sorted({f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in months})
years = sorted({m[:4] for m in months})
left, right = st.columns(2)
with left:
    default_kind = "Sidebar dates" if f.since or f.until else "Quarter"
    kind = st.segmented_control("Period", KINDS, default=default_kind, key="report-kind") or default_kind
    if kind == "Sidebar dates":
        period = Period.custom(f.since or first, f.until or last)
    else:
        choices = {"Month": months, "Quarter": quarters, "Year": years}[kind][::-1]
        start = default_period(PERIOD_KINDS[kind], first, last).label  # the last complete one
        period = Period.parse(st.selectbox(kind, choices, index=choices.index(start), key=f"report-{kind}"))
with right:
    _follow_sidebar("team", list(f.team))
    _follow_sidebar("model", list(f.model))
    teams = st.multiselect("Teams", opts["team"], key="report-team", placeholder="Whole organisation")
    models = st.multiselect("Models", opts["model"], key="report-model", placeholder="Every model")
scope = Scope(teams=tuple(teams), models=tuple(models))
st.caption(
    f"Period: {period.description}. Compared with {period.comparison}: {period.previous().label}. "
    f"Scope: {scope.label}."
)
coverage = period.coverage_note(first, last)
if coverage:
    st.warning(f"{coverage} The report says so, and leaves out the change against {period.previous().label}.")
elif previous_note := period.previous().coverage_note(first, last):
    st.info(f"The data does not cover all of {period.previous().label}, the period this one is compared with "
            f"({previous_note}): the report leaves out the change against it.")
ignored = data.ledger_ignores(f)
if ignored:
    st.info(
        f"A report covers the whole organisation or teams and models; the sidebar's {', '.join(ignored)} "
        "filter does not apply to it."
    )

k = data.query(
    "kpis", Filters(since=period.since, until=period.until, team=list(scope.teams), model=list(scope.models))
)
if k["footprint_rows"]:
    components.headline_cards(k)
else:
    st.info("No data in this period and scope: the report will say so.")

version = data_version(data.db_path())
cols = st.columns(len(FORMATS))
for col, fmt in zip(cols, FORMATS, strict=True):
    with col:
        if st.button(f"Prepare {fmt.upper()}", key=f"report-build-{fmt}", width="stretch"):
            with st.spinner(f"Building the {fmt.upper()} report"):
                st.session_state[f"report-{fmt}"] = {**data.report(period, scope, fmt), "version": version}
        built = st.session_state.get(f"report-{fmt}")
        if built and (built["period"], built["scope"], built.get("version")) == (period, scope, version):
            if built.get("error"):
                st.error(built["error"])
            else:
                st.download_button(
                    f"Download {built['file_name']}",
                    built["bytes"],
                    file_name=built["file_name"],
                    mime=FORMATS[fmt],
                    key=f"report-download-{fmt}",
                    on_click="ignore",
                    type="primary",
                    width="stretch",
                )
                if built["empty"]:
                    st.caption("No data in this period and scope: the report says so.")
