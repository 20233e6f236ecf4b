"""How long each dashboard page spends in its database queries (benchmark, not a test).

    python bench/dashboard_data.py            # once: 10 million billing rows + refresh
    python bench/dashboard_pages.py [--db bench/out/dashboard.duckdb] [--repeat 3]

Every page is run headless (Streamlit's AppTest) against the benchmark database with empty caches; each
read the page makes (take the shared read-only connection, query the pre-aggregated tables) is timed. The
target is under 300 ms of queries per page. The warm figure is the same page again with its results cached.
Two scopes: all data (whole months, read from the month rollups) and a date range cut mid-month with one
team (read from the day tables).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE.parent / "dashboard" / "app.py"
PAGES = ["overview", "team", "models", "energy", "emissions", "telemetry", "methodology", "report", "upload"]
DEFAULT_DB = HERE / "out" / "dashboard.duckdb"


def measure(db: Path, repeat: int, query: dict[str, str] | None = None) -> dict[str, dict[str, float]]:
    os.environ["FOOTPRINT_DB"] = str(db)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import data
    from dashboard.data import access

    reads: list[float] = []
    original = access.reading

    @contextmanager
    def timed_reading() -> Iterator[object]:
        started = time.perf_counter()
        with original() as con:
            yield con
        reads.append(time.perf_counter() - started)

    problem = data.ensure_database()  # not timed: brings the aggregates up to date with this code
    if problem:
        raise RuntimeError(problem)
    access.reading = timed_reading  # type: ignore[assignment]
    out: dict[str, dict[str, float]] = {}
    for page in PAGES:
        cold_query, cold_render, warm_render, n_reads = [], [], [], 0
        for _ in range(repeat):
            st.cache_data.clear()
            at = AppTest.from_file(str(APP), default_timeout=300)
            at.query_params.update(query or {})
            at.run()  # lands on Overview; the sidebar's options are cached from here on
            if page != "overview":
                at.switch_page(f"views/{page}.py")
            st.cache_data.clear()
            reads.clear()
            started = time.perf_counter()
            at.run()
            cold_render.append(time.perf_counter() - started)
            cold_query.append(sum(reads))
            n_reads = len(reads)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
            started = time.perf_counter()
            at.run()
            warm_render.append(time.perf_counter() - started)
        out[page] = {
            "queries_cold_ms": round(1000 * statistics.median(cold_query), 1),
            "reads": n_reads,
            "script_run_cold_ms": round(1000 * statistics.median(cold_render), 1),
            "script_run_warm_ms": round(1000 * statistics.median(warm_render), 1),
        }
    access.reading = original  # type: ignore[assignment]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db}: build it first with `python bench/dashboard_data.py`")
    # All data (whole months: the month rollups), then a date range cut mid-month with a team (day tables).
    os.environ["FOOTPRINT_DB"] = str(args.db)
    from dashboard import data

    data.ensure_database()
    opts = data.options()
    days = {
        "since": (opts["first_day"] + timedelta(days=10)).isoformat(),
        "until": (opts["last_day"] - timedelta(days=10)).isoformat(),
        "team": opts["team"][0],
    }
    out = {
        "all data": measure(args.db, args.repeat),
        f"days {days['since']}..{days['until']}, team {days['team']}": measure(args.db, args.repeat, days),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
