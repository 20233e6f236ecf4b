"""Fixtures for the dashboard tests: databases built from real sample files, and AppTest drivers.

`demo_db` is the demo organisation (sample_data/, loaded as `footprint demo` loads it: teams, models,
three clouds, telemetry); `focus_db` holds only the FinOps Foundation's FOCUS sample, so totals can be
checked against the raw file. Both are built once per session, as a user would build them (ingest +
refresh), and copied for every test that writes, so tests never see each other's uploads.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import REPO, SAMPLE_EXPORTS, free_port, running_server, streamlit_args

from footprint import aggregates, units
from footprint.pipeline import refresh
from footprint.queries import Filters, summary
from footprint.store import connection
from footprint_cli.cmd_demo import build_demo
from ingest import ingest_file

APP = REPO / "dashboard" / "app.py"
FOCUS_SAMPLE = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo-db") / "footprint.duckdb"
    result = build_demo(db, echo=lambda line: None)
    assert result.errors == 0, [r.error for r in result.results if r.status == "error"]
    return db


@pytest.fixture(scope="session")
def focus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("focus-db") / "footprint.duckdb"
    with connection(db) as con:
        result = ingest_file(con, FOCUS_SAMPLE)
        assert result.status == "loaded", result.error
        refresh(con)
    return db


@pytest.fixture
def app_db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the demo database that the app under test ($FOOTPRINT_DB) opens."""
    copy = tmp_path / "footprint.duckdb"
    shutil.copy(demo_db, copy)
    monkeypatch.setenv("FOOTPRINT_DB", str(copy))
    yield copy


def _open(page: str | None = None, query: dict[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(query or {})
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def open_app(app_db: Path) -> Callable[..., AppTest]:
    """open_app(page=None, query=None): the app run on the test's database, landed on a view."""
    return _open


def _charts_of(at: AppTest) -> list:
    """Every chart on the page: plotly figures (dashboard.charts) and Vega-Lite specs (dashboard.vega)."""
    return [*at.get("plotly_chart"), *at.get("vega_lite_chart")]


def _cards(at: AppTest) -> dict[str, str]:
    """Headline cards as label -> shown text."""
    return {m.label: m.value for m in at.metric}


def _expected_cards(db: Path, f: Filters) -> dict[str, str]:
    """The Overview's cards as summary() (computed on the line items) says they must read."""
    with connection(db, read_only=True) as con:
        s = summary(con, f)
    # the two energy cards share one unit, and so do the two emissions cards (the larger value's unit)
    it, facility = units.quantities([s["energy_kwh"], s["facility_energy_kwh"]], "energy")
    location, market = units.quantities([s["scope2_location_kgco2e"], s["scope2_market_kgco2e"]], "co2e")
    return {
        "IT energy": it,
        "Facility energy": facility,
        "Location-based emissions": location,
        "Market-based emissions": market,
        "Cost": units.money_by_currency(s["cost"]),
        "Coverage": units.percent(s["coverage"]),
        "Measured share": units.percent(s["measured_share"]),
        "Line items": units.number(s["line_items"], 0),
    }


def _options_of(db: Path) -> dict:
    with connection(db, read_only=True) as con:
        return aggregates.filter_options(con)


@pytest.fixture
def charts_of() -> Callable[[AppTest], list]:
    return _charts_of


@pytest.fixture
def cards() -> Callable[[AppTest], dict[str, str]]:
    return _cards


@pytest.fixture
def expected_cards() -> Callable[[Path, Filters], dict[str, str]]:
    return _expected_cards


@pytest.fixture
def options_of() -> Callable[[Path], dict]:
    return _options_of


@pytest.fixture
def app_url(app_db: Path, tmp_path: Path) -> Iterator[str]:
    """The dashboard served on the test's database (a real Streamlit server), its address."""
    port = free_port()
    env = {**os.environ, "FOOTPRINT_DB": str(app_db)}
    with running_server(streamlit_args(port), port, cwd=REPO, log=tmp_path / "streamlit.log", env=env) as url:
        yield url
