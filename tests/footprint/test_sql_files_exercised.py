"""Every .sql file shipped in footprint/sql/ is loaded and run by the product's own code on real data.

A file nothing loads is dead, and one that is loaded but never run (the refresh pipeline reads every refresh
file to hash its code) is checked by nothing. sql_coverage_driver.py drives the product in a fresh
interpreter the way its users do (demo, more formats, broken files, a removed batch, rules, the queries of
the dashboard, CLI and reports, every report format) while recording each sql() call and DuckDB's own log
of the statements it ran. Here the shipped files, as all_sql_files() lists them, are held against both.

A statement of a file ran when one logged statement holds its text in order: comments and whitespace
aside, the slots code fills in (@@name@@, {name}, $name) as gaps, and at least MATCH_SHARE of its
characters found, as code may also rewrite a fragment (gcp_canonical.sql's `FROM gcp_typed t`). The rule is
checked on hand-written SQL, and on the real log by steps that must not have run some files.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support import REPO

from footprint.sqlfiles import all_sql_files

DRIVER_PATH = Path(__file__).with_name("sql_coverage_driver.py")
SOURCE_DIRS = ("footprint", "ingest", "footprint_cli", "dashboard")
HASHERS = ("footprint.pipeline._code_signature", "footprint.aggregates.build.<genexpr>")  # read to hash

MATCH_SHARE = 0.9
_SLOT = re.compile(r"@@\w+@@|\{\w+\}|\$\w+")
_QUOTED = r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\""
_COMMENT_OR_QUOTED = re.compile(_QUOTED + r"|--[^\n]*|/\*.*?\*/", re.S)
_SEMICOLON_OR_QUOTED = re.compile(_QUOTED + "|;")


def _load_driver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sql_coverage_driver", DRIVER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


driver = _load_driver()  # for its lists of files; importing it installs nothing


# --- matching logged statements to .sql files -------------------------------------------------------------


def _bare(text: str, comment: str) -> str:
    return _COMMENT_OR_QUOTED.sub(lambda m: m.group() if m.group()[0] in "'\"" else comment, text)


def normalise(text: str) -> str:
    """SQL without comments, whitespace collapsed (quoted text is kept as it is)."""
    return " ".join(_bare(text, " ").split())


def statements(text: str) -> list[list[str]]:
    """The statements of a .sql file, each as the pieces of its lines between slots (normalised)."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in _bare(text, "").splitlines():
        rest = line
        while (end := _statement_end(rest)) is not None:
            current += _pieces(rest[:end])
            if current:
                out.append(current)
            current, rest = [], rest[end + 1 :]
        current += _pieces(rest)
    if current:
        out.append(current)
    return out


def _statement_end(line: str) -> int | None:
    return next((m.start() for m in _SEMICOLON_OR_QUOTED.finditer(line) if m.group() == ";"), None)


def _pieces(line: str) -> list[str]:
    return [p for p in (" ".join(part.split()) for part in _SLOT.split(line)) if p]


def ran(pieces: list[str], logged: Iterable[str]) -> bool:
    """Whether one logged statement holds MATCH_SHARE of the pieces' characters, in their order."""
    total = sum(len(p) for p in pieces)
    longest = sorted(pieces, key=len, reverse=True)[:3]
    for entry in logged:
        if not any(p in entry for p in longest):
            continue
        at = matched = 0
        for piece in pieces:
            found = entry.find(piece, at)
            if found >= 0:
                at, matched = found + len(piece), matched + len(piece)
        if matched >= MATCH_SHARE * total:
            return True
    return False


def logged_statements(folder: Path) -> list[str]:
    """Every distinct statement DuckDB logged under `folder` (normalised)."""
    csv.field_size_limit(sys.maxsize)
    seen: set[str] = set()
    for path in sorted(folder.glob("**/duckdb_log_entries.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            seen.update(normalise(row["message"]) for row in csv.DictReader(fh) if row["type"] == "QueryLog")
    return sorted(seen)


def not_run(text: str, logged: list[str]) -> tuple[int, list[str]]:
    """How many statements a file has, and the start of each that no logged statement holds."""
    parts = statements(text)
    return len(parts), [" ".join(p)[:100] for p in parts if not ran(p, logged)]


SAMPLE = """-- header comment; with a semicolon
CREATE TEMP TABLE _t (a INTEGER);  -- trailing comment
INSERT INTO _t
SELECT ';' || x   -- a quoted semicolon does not end the statement
FROM {inner}
WHERE a = $since AND @@where@@;
"""


def test_statements_split_at_semicolons_outside_quotes_and_drop_comments_and_slots():
    assert statements(SAMPLE) == [
        ["CREATE TEMP TABLE _t (a INTEGER)"],
        ["INSERT INTO _t", "SELECT ';' || x", "FROM", "WHERE a =", "AND"],
    ]


def test_normalise_drops_comments_but_keeps_quoted_text():
    text = "SELECT '--x' AS a -- note\n,\t\"b--c\" /* block */ FROM t"
    assert normalise(text) == "SELECT '--x' AS a , \"b--c\" FROM t"


def test_a_statement_ran_when_one_logged_statement_holds_it_with_its_slots_filled():
    logged = normalise(
        "INSERT INTO _t\n  SELECT ';' || x -- filled in by code\n  FROM (SELECT 1 AS x, 2 AS a) s\n"
        "  WHERE a = ? AND s.a > 0"
    )
    assert not_run(SAMPLE, ["SELECT 1", logged]) == (2, ["CREATE TEMP TABLE _t (a INTEGER)"])


@pytest.mark.parametrize(
    "logged",
    [
        "INSERT INTO _u SELECT ';' || y FROM s WHERE a = ? AND TRUE",  # another statement
        "WHERE a = ? AND TRUE FROM s INSERT INTO _t SELECT ';' || x",  # its parts, out of order
        "INSERT INTO _t SELECT 1",  # only its start
    ],
)
def test_a_statement_did_not_run_when_no_logged_statement_holds_it(logged: str):
    _, insert = statements(SAMPLE)
    assert not ran(insert, [normalise(logged)])


# --- the drive --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def drive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The driver's record, with `runs` (per file: statements, those not run) and `files_run_by_step`."""
    work = tmp_path_factory.mktemp("sql-coverage")
    out = work / "coverage.json"
    proc = subprocess.run(
        [sys.executable, str(DRIVER_PATH), str(work), str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=1800,
    )
    assert proc.returncode == 0, f"{DRIVER_PATH.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    record = json.loads(out.read_text(encoding="utf-8"))
    logs = Path(record["logs"])
    root = REPO / "footprint" / "sql"
    # The text the product ran; a file it never loaded is read as shipped.
    texts = {n: record["texts"].get(n) or (root / n).read_text(encoding="utf-8") for n in all_sql_files()}
    logged = logged_statements(logs)
    record["runs"] = {name: not_run(text, logged) for name, text in texts.items()}
    by_step = {step: logged_statements(logs / step) for step in record["seconds"]}
    record["files_run_by_step"] = {
        step: {n for n, text in texts.items() if any(ran(p, entries) for p in statements(text))}
        for step, entries in by_step.items()
    }
    return record


def _named_in(name: str) -> list[str]:
    """Python files of the product that name a .sql file (as 'folder/stem', the way sql() is called)."""
    stem = name.removesuffix(".sql")
    return sorted(
        str(path.relative_to(REPO))
        for folder in SOURCE_DIRS
        for path in (REPO / folder).rglob("*.py")
        if stem in path.read_text(encoding="utf-8")
    )


def _hint(name: str, loads: dict[str, list[str]]) -> str:
    callers = loads.get(name, [])
    if not callers:
        loaded = "never loaded"
    elif set(callers) <= set(HASHERS):
        loaded = f"loaded only to hash the refresh code ({', '.join(callers)})"
    else:
        loaded = f"loaded by {', '.join(callers)}"
    if name.startswith("migrations/"):
        where = "footprint.store.migrate applies migrations by number: is its name NNN_lowercase.sql?"
    elif files := _named_in(name):
        where = f"named in {', '.join(files)}: add the path that calls it to sql_coverage_driver.Drive"
    else:
        where = (
            f"no Python file under {', '.join(SOURCE_DIRS)} names '{name.removesuffix('.sql')}': built from "
            "a pattern (drive that path), or dead"
        )
    return f"  {name}: {loaded}; {where}"


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.xdist_group("demo")
def test_every_sql_file_is_loaded_by_product_code(drive: dict[str, Any]):
    shipped = set(all_sql_files())
    missing = sorted(shipped - set(drive["loads"]))
    assert not missing, f"{len(missing)} of {len(shipped)} .sql files were never loaded:\n" + "\n".join(
        _hint(n, drive["loads"]) for n in missing
    )
    assert set(drive["loads"]) == shipped


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.xdist_group("demo")
def test_every_statement_of_every_sql_file_runs_in_duckdb(drive: dict[str, Any]):
    runs: dict[str, tuple[int, list[str]]] = drive["runs"]
    never = [n for n, (count, missing) in runs.items() if len(missing) == count]
    assert not never, f"{len(never)} of {len(runs)} .sql files never ran in DuckDB:\n" + "\n".join(
        _hint(n, drive["loads"]) for n in never
    )
    partly = {n: (count, missing) for n, (count, missing) in runs.items() if missing}
    assert not partly, "statements that never ran in DuckDB:\n" + "\n".join(
        f"{_hint(n, drive['loads'])}\n    {len(missing)} of {count} statements, e.g. {missing[0]!r}"
        for n, (count, missing) in partly.items()
    )


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.xdist_group("demo")
def test_the_drive_refreshes_fully_and_incrementally_and_refuses_the_broken_files(drive: dict[str, Any]):
    assert [(r["step"], r["mode"]) for r in drive["refreshes"]] == [
        ("demo", "full"),
        ("reference inputs", "full"),  # reference batches change every estimate
        ("billing and telemetry", "incremental"),
        ("batch removed", "incremental"),
        ("rules loaded", "full"),  # new rules re-attribute every row
        ("rules reset", "full"),
    ]
    status = {i["file"]: i["status"] for i in drive["ingested"]}
    assert all(status[path.name] == "loaded" for path, _ in driver.EXTRA)
    refused = {path.name for path, expect in driver.BAD if expect == "error"} | {"bad_pue.csv"}
    assert {f for f, s in status.items() if s == "error"} == refused
    errors = {i["file"]: i["error"] for i in drive["ingested"] if i["status"] == "error"}
    assert all(errors[f] and f in errors[f] for f in refused), errors  # each message names its file


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.xdist_group("demo")
def test_the_query_log_tells_a_file_that_ran_from_one_that_did_not(drive: dict[str, Any]):
    by_step: dict[str, set[str]] = drive["files_run_by_step"]
    # The demo is one full refresh of the sample files: no incremental refresh, no PUE or hourly-factor
    # file among them, no report and no ledger query; but every migration and the estimation ran.
    later = {
        "estimation/incremental_scope.sql",
        "aggregates/spend.sql",
        "estimation/input_pue.sql",
        "estimation/input_hourly_factors.sql",
        "report/instruments.sql",
        "ledger/models.sql",
        "estimation/provenance_rows.sql",
    }
    assert later.isdisjoint(by_step["demo"])
    assert later <= by_step["load_more"] | by_step["read_everything"]
    assert {"migrations/001_core.sql", "estimation/20_items.sql", "ledger/day_sums.sql"} <= by_step["demo"]
    # The calculator works in a fresh in-memory store: migrations and formulas; no ingest, no ledger.
    assert {"migrations/040_aggregates.sql", "estimation/formulas.sql"} <= by_step["calculator"]
    not_there = {"ingest/aws_cur_macros.sql", "ledger/day_sums.sql", "telemetry/refresh_match.sql"}
    assert not_there.isdisjoint(by_step["calculator"])
