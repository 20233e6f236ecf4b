"""First full render of the Overview in a real browser, and where its time goes (benchmark, not a test).

    python bench/dashboard_browser.py [--db bench/out/dashboard.duckdb] [--chromium /usr/bin/chromium]
                                      [--sessions 5] [--floor]

Starts the app as users do (`footprint serve --db DB --port N`, from a scratch directory, so
the configuration must come from the app's own `.streamlit/config.toml`), opens the Overview in Debian's
Chromium through Playwright and times from navigation until the page is complete: every headline card
shows a value, every chart has drawn, and the app is no longer running. "first" is the first visit after
the server started; "new session" is a fresh browser context afterwards (nothing cached in the browser,
cached query results on the server, a new Streamlit session). Target: under 3 s.

Each visit also records, from the browser's own timings: when the first websocket message from the
server arrived (Streamlit's frontend has booted) and the last one (the script run has been sent), when
the first and the eighth card drew, when the charts drew, and the main thread's long tasks (JavaScript
compile and render). The load average before each visit is printed beside its figures: other work on a
shared 2-core machine slows every figure. With --floor, the same timing of a bare Streamlit page with as
many cards and two tiny plotly (or Vega-Lite) charts shows what the framework and the machine cost.
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
from typing import Any

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
CARDS = 8
CHARTS = 2  # the trend and the breakdown
# A drawn chart: plotly's SVG, or Vega-Lite's canvas or SVG.
CHART_SELECTOR = ".js-plotly-plot .main-svg, .vega-embed canvas, .vega-embed svg"

# Records, in the page, when cards and charts appear and every long task of the main thread.
TIMELINE_SCRIPT = """
window.__bench = {marks: {}, longtasks: []};
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__bench.longtasks.push([e.startTime, e.duration]);
}).observe({type: 'longtask', buffered: true});
const probes = {card: '[data-testid=stMetricValue]', chart: 'CHART_SELECTOR'};
new MutationObserver(() => {
  for (const [name, selector] of Object.entries(probes)) {
    const n = document.querySelectorAll(selector).length;
    const key = name + ':' + n;
    if (n && !(key in window.__bench.marks)) window.__bench.marks[key] = performance.now();
  }
}).observe(document, {subtree: true, childList: true});
""".replace("CHART_SELECTOR", CHART_SELECTOR)

FLOOR_PLOTLY = """
import plotly.graph_objects as go
import streamlit as st
st.title("Overview")
for row in range(2):
    for col, i in zip(st.columns(4), range(4)):
        col.metric(f"card {row}-{i}", "1.23 MWh")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])))
st.plotly_chart(go.Figure(go.Bar(y=["a", "b", "c"], x=[1, 2, 3], orientation="h")))
"""
FLOOR_VEGA = """
import streamlit as st
st.title("Overview")
for row in range(2):
    for col, i in zip(st.columns(4), range(4)):
        col.metric(f"card {row}-{i}", "1.23 MWh")
values = [{"k": "a", "v": 3}, {"k": "b", "v": 1}, {"k": "c", "v": 2}]
for x, y in (("k", "v"), ("v", "k")):
    st.vega_lite_chart(spec={"data": {"values": values}, "mark": "bar", "encoding": {
        "x": {"field": x, "type": "nominal" if x == "k" else "quantitative"},
        "y": {"field": y, "type": "nominal" if y == "k" else "quantitative"}}})
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(proc: subprocess.Popen[bytes], port: int, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"the app did not start within {timeout_s:.0f} s")


def start_app(db: Path, port: int, cwd: Path) -> subprocess.Popen[bytes]:
    """`footprint serve`, as a user starts it, from a directory that is not the project's."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from footprint_cli.main import main; sys.exit(main())",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_healthy(proc, port)
    return proc


def start_floor(app: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port)]
        + ["--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_healthy(proc, port)
    return proc


def complete(page: Page, cards: int = CARDS, charts: int = CHARTS) -> None:
    """Wait until the cards, the charts and the script run have all finished."""
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=stMetricValue]').length >= n", arg=cards, timeout=60_000
    )
    page.wait_for_function(
        "([s, n]) => document.querySelectorAll(s).length >= n", arg=[CHART_SELECTOR, charts], timeout=60_000
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget] [data-testid=stStatusWidgetRunningIcon]')",
        timeout=60_000,
    )


def visit(browser: Any, url: str) -> dict[str, float]:
    """One visit in a fresh browser context: total seconds and the timeline (ms from navigation)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.add_init_script(TIMELINE_SCRIPT)
    frames: list[float] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _: frames.append(time.perf_counter())))
    load = os.getloadavg()[0]
    started = time.perf_counter()
    page.goto(url)
    complete(page)
    total = time.perf_counter() - started
    bench = page.evaluate("window.__bench")
    context.close()
    marks = bench["marks"]
    cards = sorted(v for k, v in marks.items() if k.startswith("card:"))
    charts = sorted(v for k, v in marks.items() if k.startswith("chart:"))
    return {
        "total_s": round(total, 2),
        "load_average_1min": round(load, 1),
        "ws_first_ms": round(1000 * (frames[0] - started)) if frames else -1,
        "ws_last_ms": round(1000 * (frames[-1] - started)) if frames else -1,
        "first_card_ms": round(cards[0]) if cards else -1,
        "all_cards_ms": round(marks.get(f"card:{CARDS}", -1)),
        "charts_ms": round(charts[-1]) if charts else -1,
        "long_tasks_ms": round(sum(d for _, d in bench["longtasks"])),
        "longest_task_ms": round(max((d for _, d in bench["longtasks"]), default=0)),
    }


def measure(url_of: Any, chromium: str, sessions: int) -> dict[str, Any]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        visits = [visit(browser, url_of) for _ in range(1 + sessions)]
        browser.close()
    later = [v["total_s"] for v in visits[1:]]
    return {
        "first_visit_s": visits[0]["total_s"],
        "new_session_s_median": statistics.median(later),
        "new_session_s_min": min(later),
        "visits": visits,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--floor", action="store_true", help="also time bare Streamlit pages")
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db}: build it first with `python bench/dashboard_data.py`")
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = start_app(args.db.resolve(), port, Path(tmp))
        try:
            out["overview"] = measure(f"http://127.0.0.1:{port}/", args.chromium, args.sessions)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        if args.floor:
            for name, source in (("bare page, plotly", FLOOR_PLOTLY), ("bare page, vega-lite", FLOOR_VEGA)):
                app = Path(tmp) / f"floor_{len(out)}.py"
                app.write_text(source, encoding="utf-8")
                port = free_port()
                proc = start_floor(app, port)
                try:
                    out[name] = measure(f"http://127.0.0.1:{port}/", args.chromium, args.sessions)
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
