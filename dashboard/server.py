"""`python -m dashboard.server run dashboard/app.py [options]`: `python -m streamlit`, started warm.

Streamlit imports what a page needs only when the first browser session runs the script, so the first
person to open a freshly started dashboard waited a second or two on imports (pandas, pyarrow, DuckDB,
plotly, the query layer) before anything drew. `footprint serve` starts the server through this module
instead, which imports them before the server listens: the first visit then costs what every later one
does. Everything else (arguments, configuration, behaviour) is Streamlit's own command line.
"""

from __future__ import annotations

import importlib

# What the pages import, heaviest first; imported once, before the first session needs them.
PRELOAD = (
    "pandas",
    "pyarrow",
    "duckdb",
    "plotly.graph_objects",
    "footprint.aggregates",
    "footprint.ledger",
    "footprint.report",
    "ingest",
    "dashboard.charts",
    "dashboard.vega",
    "dashboard.components",
    "dashboard.data",
    "dashboard.filters",
)


def preload() -> None:
    for name in PRELOAD:
        importlib.import_module(name)


def main() -> None:
    preload()
    from streamlit.web.cli import main as streamlit_main

    # the same program name as `python -m streamlit`, so Streamlit sees the command line it expects
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
