"""Fixtures for the dashboard tests: a database built from real sample files, and AppTest drivers.

The sample database is built once per session from the shared sample exports (ingest + refresh, as a
user would) and copied for every test that writes, so tests never see each other's uploads.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import REPO, SAMPLE_EXPORTS

from footprint.pipeline import refresh
from footprint.store import connection
from ingest import ingest_file

APP = REPO / "dashboard" / "app.py"
FOCUS_SAMPLE = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"
CUR_SAMPLE = SAMPLE_EXPORTS / "aws-cur" / "focus-converters_sample-anonymous-aws-export-dataset.csv"
SAMPLE_FILES = [FOCUS_SAMPLE]
UPLOAD_FILE = CUR_SAMPLE  # a second, different bill the upload tests add


def build_db(path: Path, files: list[Path]) -> Path:
    with connection(path) as con:
        for file in files:
            result = ingest_file(con, file)
            assert result.status == "loaded", result.error
        refresh(con)
    return path


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("sample-db") / "footprint.duckdb", SAMPLE_FILES)


@pytest.fixture
def app_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the sample database that the app under test ($FOOTPRINT_DB) opens."""
    copy = tmp_path / "footprint.duckdb"
    shutil.copy(sample_db, copy)
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
def open_app(app_db: Path):  # type: ignore[no-untyped-def]
    """open_app(page=None, query=None): the app run on the test's database, landed on a view."""
    return _open


def cards(at: AppTest) -> dict[str, str]:
    """Headline cards as label -> shown text."""
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def card_values():  # type: ignore[no-untyped-def]
    return cards
