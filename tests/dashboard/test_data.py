"""dashboard.data: one writer and many readers in one process, other processes, and cache invalidation.

DuckDB refuses to open one file read-only and read-write at the same time in one process, and lets only
one process write. These tests run real readers and writers (threads and processes) on a real file.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import SAMPLE_EXPORTS, data_rows

from dashboard import data
from footprint.queries import Filters, summary
from footprint.store import connection

pytestmark = pytest.mark.shared

FOCUS = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"


def _billing_rows(db: Path) -> int:
    with connection(db, read_only=True) as con:
        return int(summary(con, Filters())["line_items"])


def test_pages_keep_reading_while_an_upload_writes(app_db: Path):
    before = _billing_rows(app_db)
    errors: list[BaseException] = []
    stop = threading.Event()
    reads = [0]

    def reader() -> None:
        try:
            while not stop.is_set():
                with data.reading() as con:  # each thread its own connection
                    con.execute("SELECT sum(energy_kwh) FROM agg_footprint_day").fetchone()
                reads[0] += 1
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread and re-raised there
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        with open(FOCUS, "rb") as stream:
            results, refresh_error = data.ingest_uploads([("focus.csv", stream, None)])
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
    assert reads[0] > 0
    assert refresh_error is None
    assert [r.status for r in results] == ["loaded"]
    assert _billing_rows(app_db) == before + data_rows(FOCUS)


def test_an_ingest_by_another_process_invalidates_cached_results(app_db: Path):
    first = data.query("kpis", Filters())
    assert data.query("kpis", Filters()) == first  # served from the cache
    cli = subprocess.run(
        [sys.executable, "-m", "footprint_cli.main", "ingest", str(FOCUS), "--db", str(app_db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    again = data.query("kpis", Filters())
    assert again["line_items"] == first["line_items"] + data_rows(FOCUS)
    assert again["line_items"] == _billing_rows(app_db)


def test_reads_wait_for_a_writer_in_another_process(app_db: Path):
    hold_s = 2.0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from footprint.store import connection\n"
            "with connection(sys.argv[1]) as con:\n"
            "    print('holding', flush=True); time.sleep(float(sys.argv[2]))\n",
            str(app_db),
            str(hold_s),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        with data.reading() as con:
            assert con.execute("SELECT count(*) FROM agg_footprint_day").fetchone()[0] > 0
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=60)
    assert holder.returncode == 0
    assert waited > 0.5  # it waited for the writer instead of failing


def test_a_writer_in_this_process_waits_for_open_readers(app_db: Path):
    order: list[str] = []
    reading = threading.Event()

    def long_read() -> None:
        with data.reading():
            reading.set()
            time.sleep(1.0)
            order.append("read done")

    t = threading.Thread(target=long_read)
    t.start()
    reading.wait(10)
    with data.writing() as con:  # would be refused by DuckDB if opened beside the read-only connection
        order.append("write")
        con.execute("SELECT 1").fetchone()
    t.join(10)
    assert order == ["read done", "write"]


def test_a_database_with_stale_aggregates_or_a_pending_migration_is_brought_up_to_date(app_db: Path):
    from footprint import aggregates
    from ingest import ingest_file

    with connection(app_db) as con:
        before = int(summary(con, Filters())["line_items"])
        assert ingest_file(con, FOCUS).status == "loaded"  # loaded without a refresh: aggregates stale
        con.execute("DROP TABLE agg_meta")
        con.execute("DELETE FROM schema_migrations WHERE version = 40")  # as if 040 had never run
    data.ensure_database()
    with connection(app_db, read_only=True) as con:
        assert aggregates.is_current(con)
        assert con.execute("SELECT count(*) FROM schema_migrations WHERE version = 40").fetchone()[0] == 1
    assert data.query("kpis", Filters())["line_items"] == before + data_rows(FOCUS)


def test_a_failing_refresh_is_reported_once_and_leaves_the_previous_figures(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
):
    import types

    import duckdb

    from footprint import pipeline
    from ingest import ingest_file

    calls = []

    def broken_step(con: duckdb.DuckDBPyConnection) -> None:
        calls.append(1)
        con.execute("SELECT * FROM no_such_table")  # a real DuckDB error inside the refresh transaction

    module = types.ModuleType("broken_refresh_step")
    module.refresh = broken_step  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "broken_refresh_step", module)
    monkeypatch.setattr(pipeline, "STEPS", [*pipeline.STEPS[:-1], "broken_refresh_step", pipeline.STEPS[-1]])
    before = data.query("kpis", Filters())
    with data.writing() as con:  # this process already reads the file: write through the same gate
        assert ingest_file(con, FOCUS).status == "loaded"  # new data, aggregates now stale
    first = data.ensure_database()
    assert first and "could not be refreshed" in first and "no_such_table" in first
    assert data.ensure_database() == first and len(calls) == 1  # not retried on every page view
    # the pages keep showing the figures of the last good refresh (the failed one rolled back whole)
    assert data.query("kpis", Filters())["energy_kwh"] == before["energy_kwh"]


def test_an_unfiltered_model_curve_is_read_from_the_materialised_ledger(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
):
    """The Models page's cumulative curve: over all dates and teams the refresh already wrote it
    (ledger_model_period), so the page reads it instead of running the ledger query again."""
    import streamlit as st

    from footprint import ledger

    with connection(app_db, read_only=True) as con:
        model = con.execute(
            "SELECT model FROM ledger_model_period WHERE grain = 'day' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        computed = ledger.model_periods(con, ledger.LedgerFilters(model=[model]), grain="day")
        team = con.execute(
            "SELECT team FROM ledger_model_day WHERE model = ? GROUP BY 1 ORDER BY 1 LIMIT 1", [model]
        ).fetchone()[0]
        for_team = ledger.model_periods(con, ledger.LedgerFilters(team=[team], model=[model]), grain="day")
    st.cache_data.clear()
    calls: list[object] = []
    original = ledger.model_periods
    monkeypatch.setattr(ledger, "model_periods", lambda *a, **kw: calls.append(a) or original(*a, **kw))

    read = data.model_periods(Filters(), model, grain="day")
    assert calls == []  # not recomputed
    assert [r["period_start"] for r in read] == [r["period_start"] for r in computed]
    assert len(read) > 30
    for got, want in zip(read, computed, strict=True):
        assert set(got) == set(want)
        for key, value in want.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
            else:
                assert got[key] == value, key

    scoped = data.model_periods(Filters(team=[team]), model, grain="day")  # a team: the ledger query runs
    assert len(calls) == 1
    assert [r["period_start"] for r in scoped] == [r["period_start"] for r in for_team]
