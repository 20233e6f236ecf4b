"""Shared test fixtures: fresh databases; the real sample files in ../shared are found via support.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from footprint.store import open_db


@pytest.fixture
def con():
    """A fresh, migrated in-memory database."""
    c = open_db(":memory:")
    yield c
    c.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "footprint.duckdb"
