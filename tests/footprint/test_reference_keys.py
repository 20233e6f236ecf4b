"""Lookup tables joined during ingest must have unique keys, or a join would duplicate billing rows."""

from __future__ import annotations

import pytest

KEYS = {
    "ref_units": ["raw_unit"],
    "ref_instance_types": ["provider", "instance_key"],
}


@pytest.mark.parametrize("table", sorted(KEYS))
def test_lookup_keys_are_unique(con, table: str):
    cols = ", ".join(KEYS[table])
    dupes = con.execute(f"SELECT {cols}, count(*) FROM {table} GROUP BY ALL HAVING count(*) > 1").fetchall()
    assert dupes == []


def test_unit_spellings_are_stored_folded(con):
    # The insert joins on lower(trim(consumed_unit)); a key with capitals or padding would never match.
    bad = con.execute("SELECT raw_unit FROM ref_units WHERE raw_unit <> lower(trim(raw_unit))").fetchall()
    assert bad == []
