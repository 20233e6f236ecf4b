"""Entry point of the dashboard (`footprint serve`, or `streamlit run dashboard/app.py`).

Builds the navigation, draws the global filters in the sidebar and runs the chosen view. The database
is $FOOTPRINT_DB (see footprint.settings); everything that touches it is in the dashboard/data/ package.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import components, data, filters
from footprint.store import StoreBusyError

VIEWS = Path(__file__).resolve().parent / "views"

# An emoji favicon is drawn in the browser (a data: URL); a ":material/...:" favicon would be fetched from
# fonts.gstatic.com, a request to the internet on every visit.
st.set_page_config(page_title="AI footprint", page_icon="⚡", layout="wide")


def _page(file: str, title: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(VIEWS / file, title=title, icon=icon, url_path=Path(file).stem, default=default)


pages = {
    "Footprint": [
        _page("overview.py", "Overview", ":material/dashboard:", default=True),
        _page("team.py", "Team dashboards", ":material/groups:"),
        _page("models.py", "Models", ":material/model_training:"),
        _page("energy.py", "Energy & PUE", ":material/bolt:"),
        _page("emissions.py", "Emissions", ":material/co2:"),
        _page("telemetry.py", "Telemetry", ":material/monitor_heart:"),
        _page("report.py", "Report", ":material/description:"),
    ],
    "Data": [
        _page("upload.py", "Upload", ":material/upload_file:"),
        _page("methodology.py", "Methodology & data quality", ":material/fact_check:"),
    ],
}

try:
    problem = data.ensure_database()
    if problem:
        st.warning(problem)
    page = st.navigation(pages)
    filters.sidebar(data.options())
    st.sidebar.caption(f"Database: `{data.db_path()}`")
    page.run()
except StoreBusyError as exc:
    st.warning(f"{exc}. The page will show the data once the other process has finished.")
    components.retry_button()
