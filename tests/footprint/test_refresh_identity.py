"""What the refresh record identifies must stay identifiable: a batch by an id no other batch ever had,
the attribution rules by the rules as applied.

An incremental refresh decides what to recompute from the batches added and removed since the last one
and from a signature of the rules in force. A batch id given twice (the newest batch removed, another file
loaded before the refresh) made a removed instruments file look like a billing batch, and its instruments
stayed applied; a user rules file that extends the shipped defaults hid a change of those defaults. Both
are checked here against a full refresh of a copy of the store, on the real sample files.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import duckdb
import pytest
from support import SAMPLE_DATA

import footprint.attribution.loader as rules_loader
from footprint import attribution
from footprint.pipeline import context, last_refresh, refresh
from footprint.store import connection
from ingest import ingest_file
from ingest.loader import remove_batch

GEN = SAMPLE_DATA / "generated"
OPTIONS = tomllib.loads((GEN / "manifest.toml").read_text(encoding="utf-8"))["files"]
CUR = "aws/legacy-cur/juniper-labs-cur-202604.csv.gz"
CUR2 = "aws/cur2/BILLING_PERIOD=2026-05/juniper-labs-cur2-202605-00001.csv.gz"
INSTRUMENTS = "reference/instruments/guarantees_of_origin_2026.csv"
EA_APRIL = "azure/ea/juniper-labs-ea-actualcost-202604.csv"
EA_MAY = "azure/ea/juniper-labs-ea-actualcost-202605.csv"
DERIVED = ["footprint_items", "ledger_model_day", "ledger_model_period", "agg_footprint_day", "agg_provenance_day"]

EXTENDING_RULES = """schema_version = 1
rules_version = "team-rules-1"
extends = "default"

[aliases.model]
"atlas" = ["atlas-30b"]
"""


def _load(con: duckdb.DuckDBPyConnection, rel: str) -> int:
    result = ingest_file(con, GEN / rel, name=rel, options={k: str(v) for k, v in OPTIONS.get(rel, {}).items()})
    assert result.status == "loaded", result.error
    assert result.batch_id is not None
    return result.batch_id


def _differs_from_full_refresh(db: Path) -> list[str]:
    with connection(db) as con:
        con.execute("CHECKPOINT")
        mine = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in DERIVED}
    copy = db.with_name("copy.duckdb")
    shutil.copy(db, copy)
    with connection(copy) as con:
        refresh(con, full=True)
        full = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in DERIVED}
    return [t for t in DERIVED if mine[t] != full[t]]


def test_a_removed_batch_id_is_never_given_to_the_next_file(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with connection(db) as con:
        first = _load(con, CUR)
        refresh(con)
        instruments = _load(con, INSTRUMENTS)
        refresh(con)
        covered = con.execute("SELECT count(*) FROM footprint_items WHERE instrument_share > 0").fetchone()
        assert covered is not None and covered[0] > 0  # the certificates cover part of the April bill
        remove_batch(con, instruments)  # the newest batch, removed before any refresh
        later = _load(con, CUR2)
        assert (first, instruments, later) == (1, 2, 3)
        refresh(con)
        state = last_refresh(con)
        assert state is not None
        # a reference batch left: the refresh is full, and no item keeps the removed certificates
        assert state["mode"] == "full", state["reason"]
        left = con.execute("SELECT count(*) FROM footprint_items WHERE instrument_share > 0").fetchone()
        assert left == (0,)
    assert _differs_from_full_refresh(db) == []


def test_the_batch_counter_survives_a_failed_load_and_starts_above_existing_batches(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    bad = tmp_path / "empty.csv"
    with connection(db) as con:
        assert _load(con, CUR) == 1
        bad.write_text((GEN / EA_APRIL).read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
        assert ingest_file(con, bad).status == "error"  # a header and no rows: refused, its id given back
        assert _load(con, EA_APRIL) == 2
        assert con.execute("SELECT last_batch_id FROM batch_id_counter").fetchall() == [(2,)]


def test_a_change_of_the_shipped_defaults_under_an_extending_rules_file_forces_a_full_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store.duckdb"
    with connection(db) as con:
        _load(con, EA_APRIL)
        refresh(con)
        attribution.load_rules(con, EXTENDING_RULES, "team-rules.toml")
        before = context(con)["rules"]

    # the next release ships defaults that ignore one more tag value; the user's file is unchanged
    shipped = rules_loader.default_rules_text()
    assert 'ignore_values = ["none"' in shipped
    changed = shipped.replace('ignore_values = ["none"', 'ignore_values = ["assistants", "none"', 1)
    monkeypatch.setattr(rules_loader, "default_rules_text", lambda: changed)
    rules_loader.default_rules.cache_clear()
    try:
        with connection(db) as con:
            assert context(con)["rules"] != before
            _load(con, EA_MAY)
            refresh(con)
            state = last_refresh(con)
            assert state is not None and state["mode"] == "full"
            assert "rules" in state["reason"]
            teams = con.execute("SELECT list(DISTINCT team ORDER BY team) FROM line_item_attribution").fetchone()
            assert teams is not None and "assistants" not in teams[0]  # April's rows follow the new defaults too
        assert _differs_from_full_refresh(db) == []
    finally:
        rules_loader.default_rules.cache_clear()
