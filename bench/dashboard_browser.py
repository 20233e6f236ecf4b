"""First full render of the Overview in a real browser (benchmark, not a test).

    python bench/dashboard_browser.py [--db bench/out/dashboard.duckdb] [--chromium /usr/bin/chromium]

Starts the app (`python -m streamlit run dashboard/app.py`) on a free port against the benchmark
database, opens the Overview in Debian's Chromium through Playwright, and times from navigation until the
page is complete: every headline card shows a value, every chart has drawn, and the app is no longer
running. "first" is the first visit after the server started (empty caches); "new session" is a fresh
browser context afterwards (cached query results, a new Streamlit session), five times. Target: first
under 3 s. The load average printed with the figures says how busy the machine was, and the same timing of
a bare Streamlit page with as many cards and charts (no database) shows the floor the framework and the
machine set.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DB = HERE / "out" / "dashboard.duckdb"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The floor on this machine: a bare Streamlit page with the Overview's element count (eight cards, two
# small plotly charts) and no database, timed the same way.
FLOOR_APP = """
import plotly.graph_objects as go
import streamlit as st
st.title("Overview")
for row in range(2):
    for col, i in zip(st.columns(4), range(4)):
        col.metric(f"card {row}-{i}", "1.23 MWh")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])))
st.plotly_chart(go.Figure(go.Bar(y=["a", "b", "c"], x=[1, 2, 3], orientation="h")))
"""


def start_app(db: Path, port: int, app: Path = REPO / "dashboard" / "app.py") -> subprocess.Popen[bytes]:
    env = {**os.environ, "FOOTPRINT_DB": str(db)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the app did not start within 60 s")


def overview_complete(page: Page, charts: int) -> None:
    """Wait until the Overview's cards, `charts` plotly charts and the run have all finished."""
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=charts, timeout=60_000
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget] [data-testid=stStatusWidgetRunningIcon]')",
        timeout=60_000,
    )


def measure(
    db: Path, chromium: str, sessions: int = 5, app: Path = REPO / "dashboard" / "app.py"
) -> dict[str, object]:
    port = free_port()
    proc = start_app(db, port, app)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            times = []
            for _ in range(1 + sessions):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                overview_complete(page, charts=2)  # the trend and the breakdown
                times.append(round(time.perf_counter() - started, 2))
                context.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return {
        "first_visit_s": times[0],
        "new_session_s_median": statistics.median(times[1:]),
        "new_session_s_min": min(times[1:]),
        "load_average_1min": round(os.getloadavg()[0], 1),  # on a shared machine, the context of the figures
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db}: build it first with `python bench/dashboard_data.py`")
    with tempfile.TemporaryDirectory() as tmp:
        floor = Path(tmp) / "floor.py"
        floor.write_text(FLOOR_APP, encoding="utf-8")
        out = {
            "overview": measure(args.db, args.chromium),
            "bare page": measure(args.db, args.chromium, app=floor),
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
